using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>What each strategy and method train (no network: only the sets and phases are planned).</summary>
public sealed class PhasePlannerTests
{
    private static readonly string[] Labels = { "cat", "dog" };

    private static ImageRow Row(string label, string attribute, SampleSource source, DataSplit split, int i) =>
        new() { ImagePath = $"/{source}/{split}/{label}-{attribute}-{i}.png", Label = label, Attribute = attribute, Source = source, Split = split };

    /// <summary>Biased real data (8 aligned, 2 conflicting per class), 2 validation rows and 10 pool rows per subgroup.</summary>
    private static TrainingSets Sets(SyntheticStrategy strategy)
    {
        var real = new List<LabelledImage>();
        var validation = new List<LabelledImage>();
        var pool = new List<LabelledImage>();
        foreach ((string label, int y) in Labels.Select((l, i) => (l, i)))
        {
            foreach (string attribute in new[] { "indoor", "outdoor" })
            {
                int count = (y == 0) == (attribute == "indoor") ? 8 : 2;
                real.AddRange(Enumerable.Range(0, count).Select(i => new LabelledImage(Row(label, attribute, SampleSource.Real, DataSplit.Train, i), y)));
                validation.AddRange(Enumerable.Range(0, 2).Select(i => new LabelledImage(Row(label, attribute, SampleSource.Real, DataSplit.Val, i), y)));
                pool.AddRange(Enumerable.Range(0, 10).Select(i => new LabelledImage(Row(label, attribute, SampleSource.Synthetic, DataSplit.Train, i), y)));
            }
        }

        return new TrainingSets(Labels, IsPath: true, real, validation, PhasePlanner.PoolFor(strategy, pool));
    }

    private static (Composition.ComposedTrainingSet Composed, List<PhasePlan> Phases) Plan(SyntheticStrategy strategy, TrainingMethod method)
    {
        TrainingSets sets = Sets(strategy);
        return PhasePlanner.Plan(new MLContext(seed: 0).Data, new FfrTrainerOptions { Strategy = strategy, Method = method }, 0, sets, new GroupIndex(sets));
    }

    [Fact]
    public void PoolFor_None_IsNull_OtherStrategies_ThePool()
    {
        var pool = new List<ImageRow>();
        Assert.Null(PhasePlanner.PoolFor(SyntheticStrategy.None, pool));
        Assert.All(new[] { SyntheticStrategy.Usb, SyntheticStrategy.Asb, SyntheticStrategy.Ffr }, s => Assert.Same(pool, PhasePlanner.PoolFor(s, pool)));
    }

    [Fact]
    public void Plan_Ffr_PretrainsOnSyntheticWithErm_ThenFineTunesOnRealWithTheMethod()
    {
        (Composition.ComposedTrainingSet composed, List<PhasePlan> phases) = Plan(SyntheticStrategy.Ffr, TrainingMethod.GroupDro);

        Assert.Equal(new[] { "pretraining", "fine-tuning" }, phases.Select(p => p.Name));
        Assert.Equal(new[] { 0, 1 }, phases.Select(p => p.Index));
        Assert.Equal(new[] { TrainingMethod.Erm, TrainingMethod.GroupDro }, phases.Select(p => p.Method));
        Assert.All(phases[0].Data.Rows, r => Assert.Equal(SampleSource.Synthetic, r.Source));
        Assert.Equal(composed.Rows.Count, phases[0].Data.Rows.Count);
        Assert.All(phases[1].Data.Rows, r => Assert.Equal(SampleSource.Real, r.Source));
        Assert.Equal(20, phases[1].Data.Rows.Count);
        Assert.All(phases, p => Assert.Equal(4, p.Data.GroupCount));
        Assert.False(phases[0].FreezeBatchNorm);
    }

    [Theory]
    [InlineData(SyntheticStrategy.Usb, 8)]
    [InlineData(SyntheticStrategy.Asb, 8)]
    [InlineData(SyntheticStrategy.None, 4)]
    public void Plan_OnePhaseStrategies_TrainOnce_UsbAndAsbWithRealAndSyntheticAsTwoGroups(SyntheticStrategy strategy, int groupCount)
    {
        (Composition.ComposedTrainingSet composed, List<PhasePlan> phases) = Plan(strategy, TrainingMethod.Dfr);

        PhasePlan phase = Assert.Single(phases);
        Assert.Equal("training", phase.Name);
        Assert.Equal(TrainingMethod.Erm, phase.Method); // DFR trains with ERM, then retrains the last layer
        Assert.Equal(groupCount, phase.Data.GroupCount);
        Assert.Equal(composed.Rows.Count, phase.Data.Rows.Count);
        Assert.Equal(strategy == SyntheticStrategy.None, composed.SyntheticUsed.Count == 0);
    }

    [Fact]
    public void FromRows_ValidationLabelTheTrainingDataLacks_NamesTheRow()
    {
        var ml = new MLContext(seed: 0);
        var train = new[] { Row("cat", "indoor", SampleSource.Real, DataSplit.Train, 0), Row("dog", "indoor", SampleSource.Real, DataSplit.Train, 0) };
        var validation = new[] { Row("cat", "indoor", SampleSource.Real, DataSplit.Val, 0), Row("bird", "indoor", SampleSource.Real, DataSplit.Val, 0) };
        IDataView view = ImageManifest.FromRows(train).ToDataView();
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);

        var ex = Assert.Throws<InvalidDataException>(() => TrainingSets.FromRows(keyed.Schema, train, validation, null, new FfrTrainerOptions()));
        Assert.StartsWith("Row 1 of the validation data has a missing label in column 'Label', or one the training data does not have", ex.Message);
    }
}
