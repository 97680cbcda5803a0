using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ComparisonTests
{
    private static ExperimentResult Result(SyntheticStrategy strategy, TrainingMethod method, int seed, double validation, double test) =>
        new(new ExperimentCell(0.95, 0, strategy, method, seed), test, test, test, validation, 10);

    [Fact]
    public void Recommend_ChoosesOnValidationOnly_EvenWhenTestSaysOtherwise()
    {
        Recommendation r = Comparison.Recommend(new[]
        {
            Result(SyntheticStrategy.None, TrainingMethod.Erm, 0, validation: 0.2, test: 0.9),
            Result(SyntheticStrategy.Ffr, TrainingMethod.GroupDro, 0, validation: 0.7, test: 0.1),
            Result(SyntheticStrategy.Usb, TrainingMethod.Erm, 0, validation: 0.6, test: 0.95),
        })!;

        Assert.Equal("FFR-GroupDRO", r.Name);
        Assert.Equal("USB-ERM", r.RunnerUp);
        Assert.Equal(0.1, r.Margin!.Value, 9);
        Assert.Null(r.WithinSpread); // one seed: the spread is unknown
    }

    [Theory]
    [InlineData(0.70, 0.72, 0.60, 0.62, false)] // margin 0.1, spreads 0.014: larger than the spread
    [InlineData(0.65, 0.95, 0.60, 0.62, true)] // margin 0.19, within the best one's spread of 0.21
    public void Recommend_SeveralSeeds_SaysWhetherTheMarginIsWithinTheSpread(double a0, double a1, double b0, double b1, bool within)
    {
        Recommendation r = Comparison.Recommend(new[]
        {
            Result(SyntheticStrategy.Ffr, TrainingMethod.Erm, 0, a0, 0), Result(SyntheticStrategy.Ffr, TrainingMethod.Erm, 1, a1, 0),
            Result(SyntheticStrategy.Asb, TrainingMethod.Erm, 0, b0, 0), Result(SyntheticStrategy.Asb, TrainingMethod.Erm, 1, b1, 0),
        })!;

        Assert.Equal("FFR-ERM", r.Name);
        Assert.Equal(2, r.Seeds);
        Assert.Equal(within, r.WithinSpread);
    }

    [Fact]
    public void Recommend_OneStrategyMethod_HasNoMarginAndNoResultsNoRecommendation()
    {
        Recommendation r = Comparison.Recommend(new[] { Result(SyntheticStrategy.None, TrainingMethod.Erm, 0, 0.3, 0.3) })!;
        Assert.Equal((null, null, (bool?)null), (r.RunnerUp, r.Margin, r.WithinSpread));
        Assert.Null(Comparison.Recommend(Array.Empty<ExperimentResult>()));
    }
}
