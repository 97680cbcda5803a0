using Ffr.MLNet.Budgets;
using Ffr.MLNet.Networks;

namespace Ffr.MLNet.Training;

/// <summary>
/// The default of every <see cref="FfrTrainerOptions"/> setting (and of its <see cref="PhaseOptions"/>), in one place:
/// the options, the <c>FfrImageClassification</c> catalog overloads and the <c>ffr</c> tool's help all take them
/// from here. The defaults suit small images on a 2-core CPU: FFR with ERM, the small CNN, 32x32 inputs, a few epochs
/// per phase. Settings whose default is null (no initial weights, no checkpoints, the MLContext's seed, k from USB's total)
/// have no constant.
/// </summary>
public static class FfrTrainerDefaults
{
    /// <summary>The label column: "Label", the manifest's column.</summary>
    public const string LabelColumnName = "Label";

    /// <summary>The spurious attribute column: "Attribute", the manifest's column.</summary>
    public const string AttributeColumnName = "Attribute";

    /// <summary>The image column: "ImagePath", the manifest's column.</summary>
    public const string ImageColumnName = "ImagePath";

    /// <summary>The column telling real rows from synthetic ones: "Source", the manifest's column.</summary>
    public const string SourceColumnName = "Source";

    /// <summary>The column telling training, validation and test rows apart: "Split", the manifest's column.</summary>
    public const string SplitColumnName = "Split";

    /// <summary>How synthetic images are used: FFR (pretrain on the balanced synthetic set, then fine-tune on the real data).</summary>
    public const SyntheticStrategy Strategy = SyntheticStrategy.Ffr;

    /// <summary>The training method: ERM.</summary>
    public const TrainingMethod Method = TrainingMethod.Erm;

    /// <summary>The network: the small CNN (fast on a CPU, for small images).</summary>
    public const NetworkArchitecture Architecture = NetworkArchitecture.SmallCnn;

    /// <summary>Side of the square network input: 32 pixels.</summary>
    public const int ImageSize = 32;

    /// <summary>Per-channel (R, G, B) input mean after scaling to [0, 1]: ImageNet's, 0.485, 0.456, 0.406 (a new array on each call).</summary>
    public static float[] Mean => new[] { 0.485f, 0.456f, 0.406f };

    /// <summary>Per-channel (R, G, B) input standard deviation: ImageNet's, 0.229, 0.224, 0.225 (a new array on each call).</summary>
    public static float[] Std => new[] { 0.229f, 0.224f, 0.225f };

    /// <summary>Which layers keep their initial weights: none.</summary>
    public const FrozenLayers Freeze = FrozenLayers.None;

    /// <summary>Epochs of pretraining (FFR's phase 1) and of training (None, USB, ASB): 4.</summary>
    public const int Epochs = 4;

    /// <summary>Adam's learning rate of pretraining and training: 0.001.</summary>
    public const double LearningRate = 1e-3;

    /// <summary>Epochs of FFR's fine-tuning on the real data: 2.</summary>
    public const int FineTuningEpochs = 2;

    /// <summary>
    /// Adam's learning rate of FFR's fine-tuning: 3e-5. A gentle rate keeps what pretraining learnt: on the benchmark
    /// dataset at bias rate 0.99, fine-tuning with ERM at 1e-3 or 1e-4 re-learns the background shortcut within an epoch.
    /// </summary>
    public const double FineTuningLearningRate = 3e-5;

    /// <summary>Adam's weight decay, every phase: 1e-5 (the reference code's).</summary>
    public const double WeightDecay = 1e-5;

    /// <summary>Images per batch, every phase: 64.</summary>
    public const int BatchSize = 64;

    /// <summary>Whether batch-norm layers stay in evaluation mode while fine-tuning or training: false.</summary>
    public const bool FreezeBatchNorm = false;

    /// <summary>GroupDRO's step size eta: 0.01.</summary>
    public const double GroupDroStepSize = 0.01;

    /// <summary>DFR's grid of inverse L1 strengths C: 1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01, DFR's own grid (a new array on each call).</summary>
    public static double[] DfrRegularization => new[] { 1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01 };

    /// <summary>DFR's number of random group-balanced subsets whose weights are averaged: 10.</summary>
    public const int DfrSubsets = 10;

    /// <summary>Whether training goes on with what a short synthetic pool holds: false (it stops and lists the shortfall).</summary>
    public const bool AllowPoolShortfall = false;

    /// <summary>Whether training images are mirrored left-right at random: false (garments and most benchmark images are not symmetric in meaning).</summary>
    public const bool HorizontalFlip = false;

    /// <summary>Megabytes of decoded images held across epochs: 1024 (every image of the benchmark dataset at 32 x 32, about 7,100 photos at 224 x 224).</summary>
    public const int ImageCacheMegabytes = 1024;
}
