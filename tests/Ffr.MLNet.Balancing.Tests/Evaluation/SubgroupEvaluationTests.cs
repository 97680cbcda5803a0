using System.Text.Json;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests.Evaluation;

public sealed class SubgroupEvaluationTests
{
    private sealed class ScoredRow
    {
        public string Label { get; set; } = string.Empty;
        public string Attribute { get; set; } = string.Empty;
        public string PredictedLabel { get; set; } = string.Empty;
    }

    /// <summary>
    /// a|x: 10 rows, 9 right; a|y: 4 rows, 1 right; b|x: 5 rows, 5 right; b|y: none.
    /// By hand: per group 0.9, 0.25, 1.0; worst 0.25; balanced 0.7167; accuracy 15 / 19.
    /// </summary>
    private static List<ScoredRow> Rows()
    {
        var rows = new List<ScoredRow>();
        void Add(string label, string attribute, int right, int wrong)
        {
            string other = label == "a" ? "b" : "a";
            rows.AddRange(Enumerable.Range(0, right).Select(_ => new ScoredRow { Label = label, Attribute = attribute, PredictedLabel = label }));
            rows.AddRange(Enumerable.Range(0, wrong).Select(_ => new ScoredRow { Label = label, Attribute = attribute, PredictedLabel = other }));
        }

        Add("a", "x", 9, 1);
        Add("a", "y", 1, 3);
        Add("b", "x", 5, 0);
        return rows;
    }

    [Fact]
    public void EvaluateSubgroups_ConstructedScores_MatchHandComputedValues()
    {
        var ml = new MLContext(seed: 0);
        IDataView scored = ml.Data.LoadFromEnumerable(Rows());
        SubgroupReport training = ml.Data.AnalyzeSubgroups(TestData.FromCounts(ml, new Dictionary<(string, string), int>
        {
            [("a", "x")] = 90, [("a", "y")] = 10, [("b", "x")] = 10, [("b", "y")] = 90,
        }));

        SubgroupEvaluation evaluation = ml.MulticlassClassification.EvaluateSubgroups(scored, trainingReport: training, resamples: 500);

        Assert.Equal(new[] { 0.9, 0.25, 1.0 }, evaluation.Groups.Where(g => g.Count > 0).Select(g => g.Accuracy));
        Assert.Equal(0.25, evaluation.WorstGroupAccuracy);
        Assert.Equal((0.9 + 0.25 + 1.0) / 3, evaluation.BalancedAccuracy, 12);
        Assert.Equal(15.0 / 19, evaluation.Accuracy, 12);
        Assert.Equal(9.0 / 10, evaluation.BiasAlignedAccuracy!.Value, 12);       // a|x aligned; b|y aligned but empty
        Assert.Equal(6.0 / 9, evaluation.BiasConflictingAccuracy!.Value, 12);    // a|y and b|x

        SubgroupAccuracy empty = evaluation.Groups.Single(g => g.Label == "b" && g.Attribute == "y");
        Assert.Equal((0L, double.NaN), (empty.Count, empty.Accuracy));
        Assert.Null(empty.Interval);

        Assert.True(evaluation.WorstGroupInterval.Contains(evaluation.WorstGroupAccuracy));
        Assert.True(evaluation.BalancedInterval.Contains(evaluation.BalancedAccuracy));
        Assert.True(evaluation.AccuracyInterval.Contains(evaluation.Accuracy));
        Assert.All(evaluation.Groups.Where(g => g.Interval is not null), g => Assert.True(g.Interval!.Value.Contains(g.Accuracy)));
        Assert.True(evaluation.WorstGroupInterval.Upper > evaluation.WorstGroupInterval.Lower);
    }

    [Fact]
    public void EvaluateSubgroups_SameSeed_SameIntervals_AndJsonCarriesTheFigures()
    {
        var ml = new MLContext(seed: 0);
        IDataView scored = ml.Data.LoadFromEnumerable(Rows());
        SubgroupEvaluation a = ml.MulticlassClassification.EvaluateSubgroups(scored, resamples: 200, seed: 3);
        SubgroupEvaluation b = ml.MulticlassClassification.EvaluateSubgroups(scored, resamples: 200, seed: 3);
        Assert.Equal(a.WorstGroupInterval, b.WorstGroupInterval);
        Assert.Null(a.BiasAlignedAccuracy);

        using JsonDocument json = JsonDocument.Parse(a.ToJson());
        Assert.Equal(0.25, json.RootElement.GetProperty("worstGroupAccuracy").GetDouble());
        Assert.Equal(4, json.RootElement.GetProperty("groups").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("groups")[3].GetProperty("accuracy").ValueKind);
        Assert.Contains("Worst-group accuracy  0.250", a.ToTable());
    }

    [Fact]
    public void EvaluateSubgroups_MissingPredictedLabel_ThrowsMlNetWording()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new TextRow { Label = "a", Attribute = "x" } });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.EvaluateSubgroups(data));
        Assert.StartsWith("Could not find predicted label column 'PredictedLabel'", ex.Message);
    }

    [Fact]
    public void FromJson_ToJsonOfAnEvaluationWithAReport_GivesTheSameTableAndFigures()
    {
        var ml = new MLContext(seed: 0);
        var report = ml.Data.AnalyzeSubgroups(TestData.Biased(ml));
        var labels = new[] { "a", "a", "a", "b", "b", "b", "a" };
        var attributes = new[] { "x", "y", "y", "x", "y", "y", "x" };
        var predicted = new[] { "a", "b", "a", "a", "b", "b", "a" };
        SubgroupEvaluation original = SubgroupEvaluation.Compute(labels, attributes, predicted, report, resamples: 100, seed: 2);

        SubgroupEvaluation read = SubgroupEvaluation.FromJson(original.ToJson());

        Assert.Equal(original.ToTable(), read.ToTable());
        Assert.Equal(original.ToJson(), read.ToJson());
        Assert.Equal(original.BiasConflictingAccuracy, read.BiasConflictingAccuracy);
        Assert.Equal(original.WorstGroupInterval, read.WorstGroupInterval);
    }

    [Fact]
    public void FromJson_NotAnEvaluation_ThrowsInvalidData()
    {
        var ex = Assert.Throws<InvalidDataException>(() => SubgroupEvaluation.FromJson("{\"worstGroupAccuracy\": 0.5}"));
        Assert.StartsWith("The text is not a subgroup evaluation written by ToJson:", ex.Message);
    }
}
