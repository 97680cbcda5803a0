using Ffr.MLNet.Budgets;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>The pretrained ResNet-18 with a frozen backbone, and freezing in general: what trains, what stays, what the saved model scores.</summary>
[Collection(BenchmarkDataCollection.Name)]
public sealed class FrozenBackboneTests
{
    private readonly BenchmarkData _data;

    public FrozenBackboneTests(BenchmarkData data) => _data = data;

    private static FfrTrainerOptions Pretrained(SyntheticStrategy strategy, TrainingMethod method, FrozenLayers freeze)
    {
        FfrTrainerOptions options = BenchmarkData.Quick(strategy, method, epochs: 2);
        options.Architecture = NetworkArchitecture.ResNet18ImageNet;
        options.Freeze = freeze;
        options.ImageSize = 32;
        options.Pretraining.LearningRate = options.FineTuning.LearningRate = options.Training.LearningRate = 1e-2;
        return options;
    }

    private static Dictionary<string, float[]> Weights(ImageNetwork network)
    {
        using var scope = NewDisposeScope();
        return network.Module.state_dict().ToDictionary(p => p.Key, p => p.Value.cpu().to(ScalarType.Float32).data<float>().ToArray());
    }

    [Theory]
    [InlineData(SyntheticStrategy.Ffr, TrainingMethod.GroupDro)]
    [InlineData(SyntheticStrategy.None, TrainingMethod.Dfr)]
    public void FrozenBackbone_TrainsOnlyTheHead_AndTheZipScoresAsTheTrainer(SyntheticStrategy strategy, TrainingMethod method)
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, test, pool, _) = _data.Views(ml);
        Dictionary<string, float[]> before;
        torch.manual_seed(0);
        using (ImageNetwork fresh = ImageNetwork.Create(NetworkArchitecture.ResNet18ImageNet, 4, 32))
        {
            before = Weights(fresh);
        }

        using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Pretrained(strategy, method, FrozenLayers.Backbone)).Fit(train);
        Dictionary<string, float[]> after = Weights(model.Network);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (string key in before.Keys.Where(k => !k.StartsWith("fc.", StringComparison.Ordinal)))
        {
            Assert.True(before[key].SequenceEqual(after[key]), $"{key} changed although the backbone is frozen");
        }

        // Better than chance on the test split: the head learnt something from the cached features.
        IDataView scored = model.Transform(test);
        Assert.True(ml.MulticlassClassification.Evaluate(scored, predictedLabelColumnName: FfrImageClassificationTransformer.PredictedLabelKeyColumnName).MacroAccuracy > 0.4, "the head on pretrained features should beat chance (0.25) by far");
        if (method == TrainingMethod.Dfr)
        {
            Assert.NotNull(model.Summary.Dfr);
        }

        string path = Path.Combine(_data.Folder, $"frozen-{strategy}-{method}.zip");
        ml.Model.Save(model, test.Schema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        float[] expected = scored.GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        float[] actual = loaded.Transform(test).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Zip(actual).Max(p => Math.Abs(p.First - p.Second)) < 1e-4);
        (loaded as IDisposable)?.Dispose();
    }

    [Fact]
    public void FeatureCache_SharedByTwoFits_HoldsEveryImageOnce_AndChangesNoScore()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, test, pool, _) = _data.Views(ml);
        var cache = new FeatureCache();
        FfrTrainerOptions None() => Pretrained(SyntheticStrategy.None, TrainingMethod.Erm, FrozenLayers.Backbone);
        float[] Scores(FfrTrainerOptions options)
        {
            using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(pool, validation, options).Fit(train);
            return model.Transform(test).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
        }

        float[] alone = Scores(None());
        FfrTrainerOptions first = None();
        first.FeatureCache = cache;
        float[] filling = Scores(first);
        int real = _data.Manifest.Select(Manifests.DataSplit.Train, Manifests.SampleSource.Real).Count() + _data.Manifest.Select(Manifests.DataSplit.Val).Count();
        Assert.Equal(real, cache.Count);

        FfrTrainerOptions second = None();
        second.FeatureCache = cache;
        float[] reusing = Scores(second);
        Assert.Equal(real, cache.Count);
        Assert.True(alone.Zip(filling).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);
        Assert.True(alone.Zip(reusing).Max(p => Math.Abs(p.First - p.Second)) < 1e-5);

        FfrTrainerOptions ffr = Pretrained(SyntheticStrategy.Ffr, TrainingMethod.Erm, FrozenLayers.Backbone);
        ffr.FeatureCache = cache;
        Scores(ffr);
        Assert.True(cache.Count > real, "FFR's synthetic images join the cache");
    }

    [Fact]
    public void AllButLastStage_TrainsTheLastBlockAndTheHeadOnly()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        string weights = Path.Combine(_data.Folder, "small-initial.dat");
        Dictionary<string, float[]> before;
        torch.manual_seed(5);
        using (ImageNetwork initial = ImageNetwork.Create(NetworkArchitecture.SmallCnn, 4))
        {
            initial.Module.save(weights);
            before = Weights(initial);
        }

        FfrTrainerOptions options = BenchmarkData.Quick(SyntheticStrategy.Ffr, TrainingMethod.Erm);
        options.InitialWeightsPath = weights;
        options.Freeze = FrozenLayers.AllButLastStage;
        using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(pool, validation, options).Fit(train);
        Dictionary<string, float[]> after = Weights(model.Network);
        foreach (string key in before.Keys)
        {
            bool trains = key.StartsWith("conv3.", StringComparison.Ordinal) || key.StartsWith("bn3.", StringComparison.Ordinal) || key.StartsWith("fc.", StringComparison.Ordinal);
            bool changed = !before[key].SequenceEqual(after[key]);
            if (key.EndsWith("num_batches_tracked", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(trains == changed, $"{key}: {(changed ? "changed" : "unchanged")} although it {(trains ? "trains" : "is frozen")}");
        }
    }

    [Fact]
    public void Freezing_RandomWeights_ASmallImage_OrFlippingCachedFeatures_IsRefusedBeforeTraining()
    {
        var ml = new MLContext(seed: 0);
        var (_, validation, _, pool, _) = _data.Views(ml);
        FfrTrainerOptions random = BenchmarkData.Quick(SyntheticStrategy.Ffr);
        random.Freeze = FrozenLayers.Backbone;
        var nothing = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, random));
        Assert.Contains("nothing pretrained to freeze", nothing.Message);
        Assert.Contains(nameof(NetworkArchitecture.ResNet18ImageNet), nothing.Message);

        FfrTrainerOptions small = Pretrained(SyntheticStrategy.Ffr, TrainingMethod.Erm, FrozenLayers.Backbone);
        small.ImageSize = 16;
        var tooSmall = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, small));
        Assert.Contains("at least 32", tooSmall.Message);

        FfrTrainerOptions flip = Pretrained(SyntheticStrategy.Ffr, TrainingMethod.Erm, FrozenLayers.Backbone);
        flip.HorizontalFlip = true;
        var flipped = Assert.Throws<ArgumentException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, flip));
        Assert.Contains("HorizontalFlip", flipped.Message);
    }
}
