using Ffr.MLNet.Resampling;
using FsCheck.Xunit;
using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests.Resampling;

public sealed class SubgroupResamplingTests
{
    private readonly MLContext _ml = new(seed: 0);

    [Fact]
    public void ResampleSubgroups_UpSample_EqualCountsAndEveryRowKept()
    {
        IDataView data = TestData.Biased(_ml);
        IDataView balanced = _ml.Data.ResampleSubgroups(data, seed: 3);

        Assert.Equal(new Dictionary<string, int> { ["a|x"] = 90, ["a|y"] = 90, ["b|x"] = 90, ["b|y"] = 90 }, TestData.CountBy(_ml, balanced));
        Assert.Equal(360, balanced.GetRowCount());
        float[] original = _ml.Data.CreateEnumerable<TextRow>(data, false).Select(r => r.Feature).ToArray();
        HashSet<float> kept = _ml.Data.CreateEnumerable<TextRow>(balanced, false).Select(r => r.Feature).ToHashSet();
        Assert.Subset(kept, original.ToHashSet());
        Assert.Equal(original.Length, kept.Count);
    }

    [Fact]
    public void ResampleSubgroups_DownSample_EqualCountsWithoutDuplicates()
    {
        IDataView balanced = _ml.Data.ResampleSubgroups(TestData.Biased(_ml), mode: SubgroupResamplingMode.DownSample, seed: 3);

        Assert.Equal(new Dictionary<string, int> { ["a|x"] = 5, ["a|y"] = 5, ["b|x"] = 5, ["b|y"] = 5 }, TestData.CountBy(_ml, balanced));
        float[] features = _ml.Data.CreateEnumerable<TextRow>(balanced, false).Select(r => r.Feature).ToArray();
        Assert.Equal(features.Length, features.Distinct().Count());
    }

    [Fact]
    public void ResampleSubgroups_RowsPerSubgroup_IsHonoured()
    {
        IDataView balanced = _ml.Data.ResampleSubgroups(TestData.Biased(_ml), new SubgroupResamplingOptions { RowsPerSubgroup = 30, Seed = 1 });
        Assert.All(TestData.CountBy(_ml, balanced).Values, c => Assert.Equal(30, c));
    }

    [Fact]
    public void ResampleSubgroups_DownSampleAboveSmallest_SaysTheLimit()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Data.ResampleSubgroups(TestData.Biased(_ml),
            new SubgroupResamplingOptions { Mode = SubgroupResamplingMode.DownSample, RowsPerSubgroup = 6 }));
        Assert.StartsWith("RowsPerSubgroup (6) is larger than the smallest non-empty subgroup (5 rows)", ex.Message);
    }

    [Fact]
    public void ResampleSubgroups_SameSeed_SameRows_AndNullSeedFollowsTheContextSeed()
    {
        float[] Rows(MLContext ml, int? seed) => ml.Data.CreateEnumerable<TextRow>(ml.Data.ResampleSubgroups(TestData.Biased(ml), seed: seed), false).Select(r => r.Feature).ToArray();

        Assert.Equal(Rows(new MLContext(1), 5), Rows(new MLContext(2), 5));
        Assert.Equal(Rows(new MLContext(7), null), Rows(new MLContext(7), null));
        Assert.NotEqual(Rows(new MLContext(7), 1), Rows(new MLContext(7), 2));
    }

    [Fact]
    public void ResampleSubgroups_MissingValues_NamesColumnAndFirstRow()
    {
        var rows = new[] { new TextRow { Label = "a", Attribute = "x" }, new TextRow { Label = "b", Attribute = "" }, new TextRow { Label = "b", Attribute = "x" } };
        var ex = Assert.Throws<InvalidOperationException>(() => _ml.Data.ResampleSubgroups(_ml.Data.LoadFromEnumerable(rows)));
        Assert.StartsWith("Missing values in attribute column 'Attribute' (1 rows); the first is at row 1.", ex.Message);
    }

    [Fact]
    public void ResampleSubgroups_SingleClass_Throws()
    {
        var counts = new Dictionary<(string, string), int> { [("a", "x")] = 3, [("a", "y")] = 1 };
        var ex = Assert.Throws<InvalidOperationException>(() => _ml.Data.ResampleSubgroups(TestData.FromCounts(_ml, counts)));
        Assert.Equal("Label column 'Label' has a single class ('a'); balancing needs at least two classes.", ex.Message);
    }

    [Fact]
    public void ResampleSubgroups_MissingColumn_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Data.ResampleSubgroups(TestData.Biased(_ml), attributeColumnName: "Place"));
        Assert.StartsWith("Could not find attribute column 'Place'", ex.Message);
    }

    [Property(MaxTest = 40)]
    public void Property_ResamplingGivesEqualSubgroupCounts(int[] raw, byte labels, byte attributes, bool down)
    {
        var grid = new Grid(raw, labels, attributes);
        var mode = down ? SubgroupResamplingMode.DownSample : SubgroupResamplingMode.UpSample;
        IDataView balanced = _ml.Data.ResampleSubgroups(grid.ToDataView(_ml), mode: mode, seed: 11);

        Dictionary<string, int> counts = TestData.CountBy(_ml, balanced);
        int expected = down ? grid.Counts.Values.Where(c => c > 0).Min() : grid.Counts.Values.Max();
        Assert.Equal(grid.Counts.Count(c => c.Value > 0), counts.Count);
        Assert.All(counts.Values, c => Assert.Equal(expected, c));
        Assert.Equal(counts.Values.Sum(), balanced.GetRowCount());
    }
}
