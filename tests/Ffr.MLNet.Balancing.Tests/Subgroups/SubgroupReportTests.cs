using System.Text.Json;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests.Subgroups;

public sealed class SubgroupReportTests
{
    private readonly MLContext _ml = new(seed: 0);

    [Fact]
    public void AnalyzeSubgroups_BiasedData_CountsBiasRatesAndImbalance()
    {
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(TestData.Biased(_ml));

        Assert.Equal(new[] { "a", "b" }, report.Labels);
        Assert.Equal(new[] { "x", "y" }, report.Attributes);
        Assert.Equal(new[] { 90L, 10, 5, 45 }, report.Groups.Select(g => g.Count));
        Assert.Equal(("x", 0.9), (report.Classes[0].MajorityAttribute, report.Classes[0].BiasRate));
        Assert.Equal(("y", 0.9), (report.Classes[1].MajorityAttribute, report.Classes[1].BiasRate));
        Assert.Equal(18.0, report.ImbalanceRatio);
        Assert.Equal(27.5, report.MedianSubgroupSize);
        Assert.Equal(150, report.TotalRows);
        Assert.Equal(0, report.SkippedRows);
        Assert.Empty(report.EmptySubgroups);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void AnalyzeSubgroups_MissingValuesAndEmptySubgroup_CountedAndListed()
    {
        var rows = new[]
        {
            new TextRow { Label = "a", Attribute = "x" }, new TextRow { Label = "a", Attribute = "x" },
            new TextRow { Label = "b", Attribute = "x" }, new TextRow { Label = "a", Attribute = "y" },
            new TextRow { Label = "", Attribute = "y" }, new TextRow { Label = "b", Attribute = "" },
            new TextRow { Label = "", Attribute = "" },
        };
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(_ml.Data.LoadFromEnumerable(rows));

        Assert.Equal(7, report.TotalRows);
        Assert.Equal(3, report.SkippedRows);
        Assert.Equal(4, report.RowsKept);
        Assert.Equal(2, report.MissingLabelRows);
        Assert.Equal(2, report.MissingAttributeRows);
        Assert.Equal(new[] { new SubgroupKey("b", "y") }, report.EmptySubgroups);
        Assert.Equal(0, report.GetCount("b", "y"));
        Assert.Contains(report.Warnings, w => w == "3 of 7 rows were skipped: 2 with a missing label in 'Label', 2 with a missing attribute in 'Attribute'.");
        Assert.Contains(report.Warnings, w => w == "1 subgroup(s) have no rows: b|y.");
    }

    [Fact]
    public void AnalyzeSubgroups_KeyBooleanAndIntegerColumns_UseTheirValues()
    {
        var rows = Enumerable.Range(0, 12).Select(i => new TypedRow { Number = i % 3 * 10, Flag = i % 2 == 0, Small = (byte)(i % 2) }).ToList();
        IDataView data = _ml.Data.LoadFromEnumerable(rows);
        IDataView keyed = _ml.Transforms.Conversion.MapValueToKey("NumberKey", "Number").Fit(data).Transform(data);

        SubgroupReport report = _ml.Data.AnalyzeSubgroups(keyed, "NumberKey", "Flag");
        Assert.Equal(new[] { "0", "10", "20" }, report.Labels);
        Assert.Equal(new[] { "False", "True" }, report.Attributes);
        Assert.All(report.Groups, g => Assert.Equal(2, g.Count));

        SubgroupReport bytes = _ml.Data.AnalyzeSubgroups(data, "Number", "Small");
        Assert.Equal(new[] { "0", "1" }, bytes.Attributes);
    }

    [Fact]
    public void AnalyzeSubgroups_OrdersNumbersNumericallyAndIsIndependentOfRowOrder()
    {
        var counts = new Dictionary<(string, string), int> { [("10", "q")] = 3, [("9", "p")] = 2, [("zebra", "p")] = 1, [("Ant", "q")] = 4 };
        SubgroupReport one = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, counts, seed: 1));
        SubgroupReport two = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, counts, seed: 2));

        Assert.Equal(new[] { "9", "10", "Ant", "zebra" }, one.Labels);
        Assert.Equal(one.ToJson(), two.ToJson());
    }

    [Fact]
    public void ToTable_AlignsColumns_AndToJsonRoundTrips()
    {
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(TestData.Biased(_ml));

        string table = report.ToTable();
        string[] lines = table.Split('\n');
        Assert.StartsWith("Label  Attribute  Count  Share of class", lines[0]);
        Assert.Contains("a      x             90           90.0%", table);
        Assert.Contains("a        100  x                           0.900", table);
        Assert.Contains("Subgroups: 4 (0 empty); imbalance ratio 18", table);

        using JsonDocument json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(4, json.RootElement.GetProperty("groups").GetArrayLength());
        Assert.Equal(0.9, json.RootElement.GetProperty("classes")[0].GetProperty("biasRate").GetDouble());
        Assert.Equal("x", json.RootElement.GetProperty("classes")[0].GetProperty("majorityAttribute").GetString());
    }

    [Fact]
    public void AnalyzeSubgroups_MissingColumn_ThrowsMlNetWording()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Data.AnalyzeSubgroups(TestData.Biased(_ml), "Label", "Background"));
        Assert.StartsWith("Could not find attribute column 'Background'", ex.Message);
        ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Data.AnalyzeSubgroups(TestData.Biased(_ml), "Class", "Attribute"));
        Assert.StartsWith("Could not find label column 'Class'", ex.Message);
    }

    [Theory]
    [InlineData("Real", "Schema mismatch for attribute column 'Real': expected Key, Text, Boolean or integer, got Single")]
    [InlineData("Vector", "Schema mismatch for attribute column 'Vector': expected Key, Text, Boolean or integer, got Vector<Single, 2>")]
    public void AnalyzeSubgroups_UnsupportedType_ThrowsSchemaMismatch(string column, string message)
    {
        IDataView data = _ml.Data.LoadFromEnumerable(new[] { new TypedRow() });
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Data.AnalyzeSubgroups(data, "Number", column));
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public void AnalyzeSubgroups_SingleClassAndSingleAttribute_Warn()
    {
        var counts = new Dictionary<(string, string), int> { [("only", "plain")] = 5 };
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, counts));

        Assert.Contains("Label column 'Label' has a single class ('only'): there is nothing to classify or balance.", report.Warnings);
        Assert.Contains("Attribute column 'Attribute' has a single value ('plain'): there is no spurious attribute to balance; subgroups are the classes.", report.Warnings);
    }
}
