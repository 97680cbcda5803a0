using Ffr.MLNet.Evaluation;

namespace Ffr.MLNet.Balancing.Tests.Evaluation;

public sealed class SyntheticRealGapTests
{
    private static List<(string, string, double[])> Gaussian(int n, int d, double shift, int seed, string attribute = "x")
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, n).Select(i => (i % 2 == 0 ? "a" : "b", attribute, Enumerable.Range(0, d).Select(_ => Normal() + shift).ToArray())).ToList();
    }

    [Fact]
    public void Measure_SyntheticEqualToReal_DistanceNearZeroAndDomainAccuracyNearHalf()
    {
        var real = Gaussian(400, 8, 0, seed: 1);
        var same = Gaussian(400, 8, 0, seed: 2);
        SyntheticRealGap gap = SyntheticRealGap.Measure(real, same, seed: 3);

        Assert.InRange(gap.FrechetDistance, 0, 0.3);
        Assert.InRange(gap.DomainAccuracy, 0.4, 0.6);
        Assert.Equal(0, SyntheticRealGap.Frechet(real.Select(r => r.Item3).ToArray(), real.Select(r => r.Item3).ToArray()), 6);
    }

    [Fact]
    public void Measure_ShiftedSynthetic_LargerDistanceAndAccuracy()
    {
        var real = Gaussian(400, 8, 0, seed: 1);
        var shifted = Gaussian(400, 8, 1.0, seed: 2);
        SyntheticRealGap gap = SyntheticRealGap.Measure(real, shifted, seed: 3);

        Assert.InRange(gap.FrechetDistance, 6, 10);      // ||mu||^2 = 8 x 1^2
        Assert.True(gap.DomainAccuracy > 0.85, $"domain accuracy {gap.DomainAccuracy}"); // Bayes accuracy: Phi(sqrt(8) / 2) = 0.92
        Assert.Equal(2, gap.Subgroups.Count);
        Assert.All(gap.Subgroups, g => Assert.True(g.FrechetDistance > 4));
    }

    [Fact]
    public void Measure_SubgroupWithOneSide_HasNaNDistance()
    {
        var real = Gaussian(20, 3, 0, seed: 1);
        var synthetic = Gaussian(20, 3, 0, seed: 2, attribute: "y");
        SyntheticRealGap gap = SyntheticRealGap.Measure(real, synthetic);
        Assert.All(gap.Subgroups, g => Assert.True(double.IsNaN(g.FrechetDistance)));
        Assert.Equal(4, gap.Subgroups.Count);
    }

    [Fact]
    public void Measure_TooFewRows_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => SyntheticRealGap.Measure(Gaussian(1, 3, 0, 1), Gaussian(5, 3, 0, 2)));
        Assert.Equal("The gap needs at least 2 real and 2 synthetic feature vectors; got 1 and 5.", ex.Message);
    }
}
