using Ffr.MLNet.Budgets;
using Ffr.MLNet.Composition;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Manifests;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Transforms.Tests.Composition;

public sealed class TrainingSetComposerTests
{
    private static readonly Lazy<BenchmarkDataset> Data = new(() => BenchmarkDataset.Create(new BenchmarkDatasetOptions
    {
        MajorityPerClass = 100, BiasRate = 0.9, ValidationPerSubgroup = 2, TestPerSubgroup = 2, SyntheticPerSubgroup = 110,
    }));

    private readonly MLContext _ml = new(0);

    private ComposedTrainingSet Compose(SyntheticStrategy strategy, int seed = 0) =>
        TrainingSetComposer.Compose(_ml.Data, Data.Value.Train, Data.Value.SyntheticPool, strategy, new TrainingSetOptions { Seed = seed });

    private static Dictionary<(string, string, SampleSource), int> Counts(ComposedTrainingSet set) => set.CountsBySourceGroup().ToDictionary(p => p.Key, p => p.Value);

    [Fact]
    public void Compose_None_IsTheRealRows()
    {
        ComposedTrainingSet set = TrainingSetComposer.Compose(_ml.Data, Data.Value.Train, null, SyntheticStrategy.None);
        Assert.Equal(Data.Value.Train.Count, set.Rows.Count);
        Assert.Empty(set.SyntheticUsed);
    }

    [Fact]
    public void Compose_Usb_MakesRealPlusSyntheticUniform()
    {
        ComposedTrainingSet set = Compose(SyntheticStrategy.Usb);
        // r = 0.9, majority 100: conflicting 11 per class -> 4, 4, 3 on the other backgrounds.
        Assert.All(set.Rows.GroupBy(r => (r.Label, r.Attribute)), g => Assert.Equal(100, g.Count()));
        var counts = Counts(set);
        Assert.Equal(96, counts[("tshirt", "green", SampleSource.Synthetic)]);
        Assert.Equal(97, counts[("tshirt", "yellow", SampleSource.Synthetic)]);
        Assert.False(counts.ContainsKey(("tshirt", "red", SampleSource.Synthetic)));
        Assert.Equal(12 * 100 - 44, set.SyntheticUsed.Count);
    }

    [Fact]
    public void Compose_AsbAndFfr_AddKPerSubgroup_FfrWithoutRealRows()
    {
        // B = 1156 over G = 16 subgroups: k = round(72.25) = 72.
        ComposedTrainingSet asb = Compose(SyntheticStrategy.Asb);
        ComposedTrainingSet ffr = Compose(SyntheticStrategy.Ffr);

        Assert.Equal(72, asb.Plan.ImagesPerSubgroup);
        Assert.Equal(Data.Value.Train.Count + 16 * 72, asb.Rows.Count);
        Assert.Equal(16 * 72, ffr.Rows.Count);
        Assert.All(ffr.Rows, r => Assert.Equal(SampleSource.Synthetic, r.Source));
        Assert.All(ffr.Rows.GroupBy(r => (r.Label, r.Attribute)), g => Assert.Equal(72, g.Count()));
    }

    [Fact]
    public void Compose_SameSeed_SameSyntheticImages_EvenWhenThePoolIsReordered()
    {
        ImageRow[] reversed = Data.Value.SyntheticPool.Reverse().ToArray();
        ComposedTrainingSet a = Compose(SyntheticStrategy.Ffr, seed: 3);
        ComposedTrainingSet b = TrainingSetComposer.Compose(_ml.Data, Data.Value.Train, reversed, SyntheticStrategy.Ffr, new TrainingSetOptions { Seed = 3 });
        ComposedTrainingSet c = Compose(SyntheticStrategy.Ffr, seed: 4);

        Assert.Equal(a.SyntheticUsed.Select(r => r.ImagePath), b.SyntheticUsed.Select(r => r.ImagePath));
        Assert.NotEqual(a.SyntheticUsed.Select(r => r.ImagePath), c.SyntheticUsed.Select(r => r.ImagePath));
    }

    [Fact]
    public void Compose_WithoutPool_SaysWhatIsNeeded()
    {
        var ex = Assert.Throws<ArgumentException>(() => TrainingSetComposer.Compose(_ml.Data, Data.Value.Train, null, SyntheticStrategy.Ffr));
        Assert.StartsWith("Strategy Ffr needs a synthetic pool, and none was given. Pass the synthetic images, or use strategy None.", ex.Message);
    }

    [Fact]
    public void Compose_ShortPool_ListsTheSubgroups()
    {
        ImageRow[] small = Data.Value.SyntheticPool.Where(r => !(r.Label == "bag" && r.Attribute == "red")).ToArray();
        var ex = Assert.Throws<SyntheticShortfallException>(() => TrainingSetComposer.Compose(_ml.Data, Data.Value.Train, small, SyntheticStrategy.Usb));
        Assert.Contains("bag|red: 96 missing (0 available, 96 needed)", ex.Message);
        Assert.Equal(96, Assert.Single(ex.Plan.Shortfalls).Missing);
    }

    [Fact]
    public void ComposeTrainingSet_FromDataViews_KeepsSource()
    {
        IDataView real = ImageManifest.FromRows(Data.Value.Train).ToDataView();
        IDataView pool = ImageManifest.FromRows(Data.Value.SyntheticPool).ToDataView();
        ComposedTrainingSet set = _ml.Data.ComposeTrainingSet(real, pool, SyntheticStrategy.Asb, new TrainingSetOptions { ImagesPerSubgroup = 5 });

        Assert.Equal(Data.Value.Train.Count + 80, set.Rows.Count);
        IDataView view = set.ToDataView();
        Assert.Equal(80, view.GetColumn<string>("Source").Count(s => s == "synthetic"));
    }
}
