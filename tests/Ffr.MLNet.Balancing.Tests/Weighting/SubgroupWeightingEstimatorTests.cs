using Ffr.MLNet.Subgroups;
using Ffr.MLNet.Weighting;
using FsCheck.Xunit;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Balancing.Tests.Weighting;

public sealed class SubgroupWeightingEstimatorTests : IDisposable
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-weights-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class WeightedRow
    {
        public string Label { get; set; } = string.Empty;
        public string Attribute { get; set; } = string.Empty;
        public float Weight { get; set; }
    }

    [Fact]
    public void Fit_BiasedData_GivesInverseFrequencyWeights()
    {
        SubgroupWeightingTransformer model = _ml.Transforms.AddSubgroupWeights().Fit(TestData.Biased(_ml));

        // n = 150 rows, G = 4 subgroups: w_g = 150 / (4 n_g).
        Assert.Equal(150f / 360, model.Weights[new SubgroupKey("a", "x")], 6);
        Assert.Equal(150f / 40, model.Weights[new SubgroupKey("a", "y")], 6);
        Assert.Equal(150f / 20, model.Weights[new SubgroupKey("b", "x")], 6);
        Assert.Equal(150f / 180, model.Weights[new SubgroupKey("b", "y")], 6);
        Assert.Equal(150, model.Report.TotalRows);
    }

    [Fact]
    public void Workout_SchemasAgree_BadColumnsThrow_SaveLoadGivesIdenticalWeights()
    {
        IDataView data = TestData.Biased(_ml);
        SubgroupWeightingEstimator estimator = _ml.Transforms.AddSubgroupWeights();

        // Estimator and transformer schemas agree.
        SchemaShape shape = estimator.GetOutputSchema(SchemaShapes.From(data.Schema));
        SubgroupWeightingTransformer model = estimator.Fit(data);
        DataViewSchema schema = model.GetOutputSchema(data.Schema);
        Assert.Equal(shape.Select(c => c.Name), schema.Select(c => c.Name));
        Assert.Equal(NumberDataViewType.Single, schema["Weight"].Type);
        Assert.Equal(new[] { "Label", "Attribute", "Feature", "Weight" }, schema.Select(c => c.Name));

        // Bad columns throw, from Fit and from GetOutputSchema.
        var badShape = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.AddSubgroupWeights(attributeColumnName: "Feature").GetOutputSchema(SchemaShapes.From(data.Schema)));
        Assert.StartsWith("Schema mismatch for attribute column 'Feature': expected Key, Text, Boolean or integer, got Single", badShape.Message);
        var badFit = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.AddSubgroupWeights(labelColumnName: "Class").Fit(data));
        Assert.StartsWith("Could not find label column 'Class'", badFit.Message);

        // Save, then load in a fresh MLContext: identical weights.
        string path = Path.Combine(_dir, "weights.zip");
        _ml.Model.Save(model, data.Schema, path);
        var fresh = new MLContext();
        ITransformer loaded = fresh.Model.Load(path, out DataViewSchema inputSchema);
        Assert.Equal(data.Schema.Select(c => c.Name), inputSchema.Select(c => c.Name));
        float[] before = model.Transform(data).GetColumn<float>("Weight").ToArray();
        float[] after = loaded.Transform(data).GetColumn<float>("Weight").ToArray();
        Assert.Equal(before, after);
        Assert.Equal(schema.Select(c => c.Name), loaded.GetOutputSchema(data.Schema).Select(c => c.Name));
    }

    [Fact]
    public void Transform_UnseenSubgroupOrMissingValue_GetsTheUnseenWeight()
    {
        SubgroupWeightingTransformer model = _ml.Transforms.AddSubgroupWeights(new SubgroupWeightingOptions { UnseenSubgroupWeight = 0.25f }).Fit(TestData.Biased(_ml));
        var rows = new[] { new TextRow { Label = "c", Attribute = "x" }, new TextRow { Label = "a", Attribute = "q" }, new TextRow { Label = "", Attribute = "" }, new TextRow { Label = "a", Attribute = "y" } };
        float[] weights = model.Transform(_ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Weight").ToArray();
        Assert.Equal(new[] { 0.25f, 0.25f, 0.25f, 150f / 40 }, weights);
    }

    [Fact]
    public void Fit_KeyAndBooleanColumns_WorkAndSurviveSaveLoad()
    {
        var rows = Enumerable.Range(0, 30).Select(i => new TypedRow { Number = i % 3, Flag = i % 5 == 0 }).ToList();
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        var pipeline = _ml.Transforms.Conversion.MapValueToKey("Label", "Number").Append(_ml.Transforms.AddSubgroupWeights(attributeColumnName: "Flag"));
        var model = pipeline.Fit(data);
        float[] before = model.Transform(data).GetColumn<float>("Weight").ToArray();
        Assert.Equal(30, before.Sum(), 3);

        string path = Path.Combine(_dir, "keyed.zip");
        _ml.Model.Save(model, data.Schema, path);
        float[] after = new MLContext().Model.Load(path, out _).Transform(data).GetColumn<float>("Weight").ToArray();
        Assert.Equal(before, after);
    }

    [Fact]
    public void Fit_QuotesInValues_AreEscapedInTheWeightTable()
    {
        var counts = new Dictionary<(string, string), int> { [("say \"hi\"", "x")] = 1, [("b", "it's")] = 3 };
        IDataView data = TestData.FromCounts(_ml, counts);
        float[] weights = _ml.Data.AddSubgroupWeights(data).GetColumn<float>("Weight").ToArray();
        Assert.Equal(4f, weights.Sum(), 4);
        Assert.Equal(2, weights.Distinct().Count());
    }

    [Fact]
    public void Fit_MissingValues_Throws()
    {
        var rows = new[] { new TextRow { Label = "", Attribute = "x" }, new TextRow { Label = "b", Attribute = "x" }, new TextRow { Label = "a", Attribute = "x" } };
        var ex = Assert.Throws<InvalidOperationException>(() => _ml.Transforms.AddSubgroupWeights().Fit(_ml.Data.LoadFromEnumerable(rows)));
        Assert.StartsWith("Missing values in label column 'Label' (1 rows); the first is at row 0.", ex.Message);
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new SubgroupWeightingOptions();
        Assert.Equal(("Weight", "Label", "Attribute", 1f), (options.OutputColumnName, options.LabelColumnName, options.AttributeColumnName, options.UnseenSubgroupWeight));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.AddSubgroupWeights(new SubgroupWeightingOptions { UnseenSubgroupWeight = float.NaN }));
    }

    [Property(MaxTest = 40)]
    public void Property_WeightsAverageOne_AndSubgroupTotalsAreEqual(int[] raw, byte labels, byte attributes)
    {
        var grid = new Grid(raw, labels, attributes);
        IDataView weighted = _ml.Data.AddSubgroupWeights(grid.ToDataView(_ml));
        List<WeightedRow> rows = _ml.Data.CreateEnumerable<WeightedRow>(weighted, reuseRowObject: false).ToList();

        Assert.Equal(1.0, rows.Average(r => (double)r.Weight), 4);
        double[] totals = rows.GroupBy(r => (r.Label, r.Attribute)).Select(g => g.Sum(r => (double)r.Weight)).ToArray();
        Assert.All(totals, t => Assert.Equal(totals[0], t, 3));
    }
}
