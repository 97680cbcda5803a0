using Ffr.MLNet.Budgets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Trainers.Tests.Explanations;

[Collection(BenchmarkDataCollection.Name)]
public sealed class SyntheticGapTests
{
    private readonly BenchmarkData _data;

    public SyntheticGapTests(BenchmarkData data) => _data = data;

    [Fact]
    public void Measure_TrainedNetwork_SeesTheSyntheticSignature_ButNotRealVersusReal()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, _, _) = _data.Views(ml);
        using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(null, validation, new FfrTrainerOptions
        {
            Strategy = SyntheticStrategy.None, Seed = 3, Training = new PhaseOptions { Epochs = 1 },
        }).Fit(train);

        IReadOnlyList<ImageRow> test = _data.Manifest.Select(DataSplit.Test);
        IReadOnlyList<ImageRow> realTrain = _data.Manifest.Select(DataSplit.Train, SampleSource.Real).Where((_, i) => i % 3 == 0).ToArray();
        IReadOnlyList<ImageRow> synthetic = _data.Manifest.Select(DataSplit.Train, SampleSource.Synthetic).Where((_, i) => i % 6 == 0).ToArray();

        SyntheticRealGap realVersusSynthetic = SyntheticGap.Measure(model, test, synthetic);
        SyntheticRealGap realVersusReal = SyntheticGap.Measure(model, test, realTrain);

        Assert.True(realVersusSynthetic.DomainAccuracy > realVersusReal.DomainAccuracy + 0.1,
            $"domain accuracy: real vs synthetic {realVersusSynthetic.DomainAccuracy:0.000}, real vs real {realVersusReal.DomainAccuracy:0.000}");
        Assert.Equal(16, realVersusSynthetic.Subgroups.Count);
        Assert.True(realVersusSynthetic.FrechetDistance > 0);
    }
}
