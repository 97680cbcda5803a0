using Ffr.MLNet.Budgets;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>New options hold the documented defaults, each taken from <see cref="FfrTrainerDefaults"/>.</summary>
public sealed class FfrTrainerDefaultsTests
{
    [Fact]
    public void NewOptions_HoldTheDefaults()
    {
        var o = new FfrTrainerOptions();

        Assert.Equal(("Label", "Attribute", "ImagePath", "Source", "Split"), (o.LabelColumnName, o.AttributeColumnName, o.ImageColumnName, o.SourceColumnName, o.SplitColumnName));
        Assert.Equal((SyntheticStrategy.Ffr, TrainingMethod.Erm, NetworkArchitecture.SmallCnn, FrozenLayers.None), (o.Strategy, o.Method, o.Architecture, o.Freeze));
        Assert.Equal(32, o.ImageSize);
        Assert.Equal(new[] { 0.485f, 0.456f, 0.406f }, o.Mean);
        Assert.Equal(new[] { 0.229f, 0.224f, 0.225f }, o.Std);
        Assert.Equal((4, 1e-3, 1e-5, 64), (o.Pretraining.Epochs, o.Pretraining.LearningRate, o.Pretraining.WeightDecay, o.Pretraining.BatchSize));
        Assert.Equal((4, 1e-3, 1e-5, 64), (o.Training.Epochs, o.Training.LearningRate, o.Training.WeightDecay, o.Training.BatchSize));
        Assert.Equal((2, 3e-5, 1e-5, 64), (o.FineTuning.Epochs, o.FineTuning.LearningRate, o.FineTuning.WeightDecay, o.FineTuning.BatchSize));
        Assert.Equal((false, false, false), (o.FreezeBatchNorm, o.AllowPoolShortfall, o.HorizontalFlip));
        Assert.Equal(0.01, o.GroupDroStepSize);
        Assert.Equal(new[] { 1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01 }, o.DfrRegularization);
        Assert.Equal(10, o.DfrSubsets);
        Assert.Null(o.ImagesPerSubgroup);
        Assert.Null(o.Seed);
        Assert.Null(o.InitialWeightsPath);
        Assert.Null(o.CheckpointDirectory);
    }

    [Fact]
    public void ArrayDefaults_AreNotShared_BetweenOptions()
    {
        var first = new FfrTrainerOptions();
        first.Mean[0] = 0;
        first.Std[0] = 1;
        first.DfrRegularization[0] = 5;

        var second = new FfrTrainerOptions();

        Assert.Equal(0.485f, second.Mean[0]);
        Assert.Equal(0.229f, second.Std[0]);
        Assert.Equal(1, second.DfrRegularization[0]);
        Assert.Equal(0.485f, FfrTrainerDefaults.Mean[0]);
    }
}
