using Ffr.MLNet.Budgets;
using Ffr.MLNet.Networks;

namespace Ffr.MLNet.Training;

/// <summary>
/// Options of <see cref="FfrImageClassificationTrainer"/>. With no changes they suit small images
/// on a 2-core CPU: FFR with ERM, the small CNN, 32x32 inputs, a few epochs per phase; each default is a
/// constant of <see cref="FfrTrainerDefaults"/>.
/// </summary>
public sealed class FfrTrainerOptions
{
    /// <summary>The label column: Key (map text labels with MapValueToKey).</summary>
    /// <value>The default value is "Label".</value>
    public string LabelColumnName { get; set; } = FfrTrainerDefaults.LabelColumnName;

    /// <summary>The spurious attribute column: Key with key values, Text, Boolean or integer.</summary>
    /// <value>The default value is "Attribute".</value>
    public string AttributeColumnName { get; set; } = FfrTrainerDefaults.AttributeColumnName;

    /// <summary>
    /// The image column: Text holding an image path (PNG, JPEG, BMP, WebP), or a Single vector of
    /// 3 x ImageSize x ImageSize planar R, G, B values in 0..255, as ImageAnalytics' ExtractPixels
    /// yields with its defaults.
    /// </summary>
    /// <value>The default value is "ImagePath".</value>
    public string ImageColumnName { get; set; } = FfrTrainerDefaults.ImageColumnName;

    /// <summary>
    /// The optional text column telling real rows from synthetic ones (<c>real</c> or <c>synthetic</c>; empty is the
    /// dataset's default). In the one-view form of the trainer (no explicit pool and validation data) the rows with
    /// <c>synthetic</c> are the synthetic pool.
    /// </summary>
    /// <value>The default value is "Source", the manifest's column.</value>
    public string SourceColumnName { get; set; } = FfrTrainerDefaults.SourceColumnName;

    /// <summary>
    /// The text column telling training, validation and test rows apart (<c>train</c>, <c>val</c>, <c>test</c>), read when
    /// the trainer is given no explicit validation data: Fit then takes one IDataView holding the real training rows, the
    /// synthetic pool (Split <c>train</c>) and the validation rows, and ignores the test rows.
    /// </summary>
    /// <value>The default value is "Split", the manifest's column.</value>
    public string SplitColumnName { get; set; } = FfrTrainerDefaults.SplitColumnName;

    /// <summary>How synthetic images are used: None, USB, ASB or FFR.</summary>
    /// <value>The default value is <see cref="SyntheticStrategy.Ffr"/>.</value>
    public SyntheticStrategy Strategy { get; set; } = FfrTrainerDefaults.Strategy;

    /// <summary>The training method: on the mixed data for None, USB and ASB; in phase 2 (real data) for FFR.</summary>
    /// <value>The default value is <see cref="TrainingMethod.Erm"/>.</value>
    public TrainingMethod Method { get; set; } = FfrTrainerDefaults.Method;

    /// <summary>The network.</summary>
    /// <value>The default value is <see cref="NetworkArchitecture.SmallCnn"/>.</value>
    public NetworkArchitecture Architecture { get; set; } = FfrTrainerDefaults.Architecture;

    /// <summary>The smallest <see cref="ImageSize"/>: 8 pixels.</summary>
    public const int MinImageSize = 8;

    /// <summary>The largest <see cref="ImageSize"/>: 1024 pixels (a batch of 64 such images takes 800 MB as floats before the network's activations).</summary>
    public const int MaxImageSize = 1024;

    /// <summary>
    /// Side of the square network input, from <see cref="MinImageSize"/> (32 for a ResNet) to <see cref="MaxImageSize"/>;
    /// 224 matches <see cref="NetworkArchitecture.ResNet18ImageNet"/>'s pretraining.
    /// Images of another size are resized to it as ML.NET's <c>ResizeImages</c> with <c>ResizingKind.Fill</c>
    /// does, in training, validation, evaluation and in the saved model alike: stretched to the square
    /// (the aspect ratio is not kept; crop or pad the images beforehand to keep it), each pixel taken
    /// from the nearest source pixel without blending (downscaling a large photo by much aliases; resize
    /// the files close to this size first for smoother input).
    /// </summary>
    /// <value>The default value is 32. Null keeps the images' own size (they must then all be the same).</value>
    public int? ImageSize { get; set; } = FfrTrainerDefaults.ImageSize;

    /// <summary>Per-channel (R, G, B) input mean after scaling to [0, 1]. Not used by <see cref="NetworkArchitecture.ResNet18ImageNet"/>, which preprocesses its input itself.</summary>
    /// <value>The default value is ImageNet's: 0.485, 0.456, 0.406.</value>
    public float[] Mean { get; set; } = FfrTrainerDefaults.Mean;

    /// <summary>Per-channel (R, G, B) input standard deviation.</summary>
    /// <value>The default value is ImageNet's: 0.229, 0.224, 0.225.</value>
    public float[] Std { get; set; } = FfrTrainerDefaults.Std;

    /// <summary>Which layers keep their initial weights: none, the whole backbone (the head trains on features computed once), or all but the last stage.</summary>
    /// <value>
    /// The default value is <see cref="FrozenLayers.None"/>. Freezing needs pretrained weights: <see cref="NetworkArchitecture.ResNet18ImageNet"/>
    /// or an <see cref="InitialWeightsPath"/>. With <see cref="FrozenLayers.Backbone"/>, <see cref="HorizontalFlip"/> must be off (features are computed once, unflipped).
    /// </value>
    public FrozenLayers Freeze { get; set; } = FfrTrainerDefaults.Freeze;

    /// <summary>
    /// A weights file to start from (transfer learning): TorchSharp's Module.save format, PyTorch's
    /// torch.save(model.state_dict()) zip (.pth, .pt; torchvision's ImageNet ResNet weights load into
    /// ResNet18/34/50 as they are), or .safetensors. A head (<c>fc</c>) of another number of classes,
    /// or none, is kept as initialised; any other missing key, unexpected key or shape fails with an
    /// <see cref="InvalidDataException"/> naming the keys, before training.
    /// </summary>
    /// <value>The default value is null: random initialisation.</value>
    public string? InitialWeightsPath { get; set; }

    /// <summary>Phase 1 of FFR: pretraining on the balanced synthetic set (ERM).</summary>
    /// <value>The default value is 4 epochs, learning rate 0.001, weight decay 1e-5, batch 64.</value>
    public PhaseOptions Pretraining { get; set; } = new();

    /// <summary>Phase 2 of FFR: fine-tuning the pretrained network on the real data with <see cref="Method"/>.</summary>
    /// <value>
    /// The default value is 2 epochs, learning rate 3e-5, weight decay 1e-5, batch 64. A gentle rate
    /// keeps what pretraining learnt: on the benchmark dataset at bias rate 0.99, fine-tuning with ERM
    /// at 1e-3 or 1e-4 re-learns the background shortcut within an epoch (validation worst-group
    /// accuracy 0.05 and 0.45), at 3e-5 it keeps 0.80.
    /// </value>
    public PhaseOptions FineTuning { get; set; } = new() { Epochs = FfrTrainerDefaults.FineTuningEpochs, LearningRate = FfrTrainerDefaults.FineTuningLearningRate };

    /// <summary>The single phase of None, USB and ASB (training from scratch, or from <see cref="InitialWeightsPath"/>).</summary>
    /// <value>The default value is 4 epochs, learning rate 0.001, weight decay 1e-5, batch 64.</value>
    public PhaseOptions Training { get; set; } = new();

    /// <summary>Keep batch-norm layers in evaluation mode while fine-tuning (FFR phase 2) or training with None, USB or ASB.</summary>
    /// <value>The default value is false.</value>
    public bool FreezeBatchNorm { get; set; } = FfrTrainerDefaults.FreezeBatchNorm;

    /// <summary>GroupDRO's step size eta.</summary>
    /// <value>The default value is 0.01.</value>
    public double GroupDroStepSize { get; set; } = FfrTrainerDefaults.GroupDroStepSize;

    /// <summary>DFR's grid of inverse L1 strengths C (the penalty is ||W||_1 / (C n)).</summary>
    /// <value>The default value is { 1, 0.7, 0.3, 0.1, 0.07, 0.03, 0.01 }, DFR's own grid.</value>
    public double[] DfrRegularization { get; set; } = FfrTrainerDefaults.DfrRegularization;

    /// <summary>DFR's number of random group-balanced subsets whose weights are averaged.</summary>
    /// <value>The default value is 10.</value>
    public int DfrSubsets { get; set; } = FfrTrainerDefaults.DfrSubsets;

    /// <summary>Synthetic images per subgroup for ASB and FFR instead of k = B / G.</summary>
    /// <value>The default value is null: k derived from USB's total.</value>
    public int? ImagesPerSubgroup { get; set; }

    /// <summary>Use what the pool holds when it is short (with a warning) instead of failing.</summary>
    /// <value>The default value is false.</value>
    public bool AllowPoolShortfall { get; set; } = FfrTrainerDefaults.AllowPoolShortfall;

    /// <summary>Mirror training images left-right at random.</summary>
    /// <value>The default value is false (garments and most benchmark images are not symmetric in meaning).</value>
    public bool HorizontalFlip { get; set; } = FfrTrainerDefaults.HorizontalFlip;

    /// <summary>
    /// Memory for decoded images, in megabytes: images that fit are decoded once and held across epochs as bytes (3 a pixel
    /// at <see cref="ImageSize"/>): the validation images first, then each phase's training images while the phase runs.
    /// A set that does not fit whole is decoded from its files on every pass (batch by batch, a few batches in memory).
    /// Results do not depend on it: held and re-decoded images give the same batches.
    /// </summary>
    /// <value>The default value is 1024 (1 GiB: every image of the benchmark dataset at 32 x 32, about 7,100 photos at 224 x 224); 0 decodes on every pass.</value>
    public int ImageCacheMegabytes { get; set; } = FfrTrainerDefaults.ImageCacheMegabytes;

    /// <summary>
    /// Seed of the initial weights, the batch order, the synthetic selection and DFR's subsets. The rule, shared with
    /// <c>EvaluateSubgroups</c>: this seed, else the MLContext's seed, else 0, so that a fit with no seed anywhere is
    /// reproducible (the seed used is in <see cref="TrainingSummary.Seed"/>). Runs that should differ take different seeds.
    /// </summary>
    /// <value>The default value is null: the MLContext's seed, or 0 when the context has none.</value>
    public int? Seed { get; set; }

    /// <summary>Where a frozen backbone's features are kept between fits on the same images (a grid of strategies and methods), so each image's are computed once.</summary>
    /// <value>The default value is null: features are computed for this fit only. <c>ExperimentRunner</c> (Ffr.MLNet.Experiments) shares one per dataset.</value>
    public FeatureCache? FeatureCache { get; set; }

    /// <summary>A folder for a checkpoint after every epoch; a run started with a checkpoint there resumes from it.</summary>
    /// <value>The default value is null: no checkpoints.</value>
    public string? CheckpointDirectory { get; set; }

    /// <summary>Receives progress: phase, epoch, step, loss, validation metrics, time left.</summary>
    /// <value>The default value is null.</value>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Stops training within one step; the last checkpoint stays intact.</summary>
    /// <value>The default value is <see cref="CancellationToken.None"/>.</value>
    public CancellationToken CancellationToken { get; set; }

    internal void Validate()
    {
        Pretraining.Validate("Pretraining");
        FineTuning.Validate("FineTuning");
        Training.Validate("Training");
        ArgumentException.ThrowIfNullOrWhiteSpace(SourceColumnName, nameof(SourceColumnName));
        ArgumentException.ThrowIfNullOrWhiteSpace(SplitColumnName, nameof(SplitColumnName));
        if (ImageSize is < MinImageSize or > MaxImageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, $"ImageSize must be from {MinImageSize} to {MaxImageSize} pixels, or null to keep the images' size.");
        }

        int smallest = Architecture.MinimumImageSize();
        if (ImageSize < smallest)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, $"ImageSize {ImageSize} is too small for {Architecture}: a ResNet halves the image five times and needs at least {smallest} pixels. Set ImageSize to {smallest} or more, or use {NetworkArchitecture.SmallCnn}.");
        }

        if (Freeze != FrozenLayers.None && InitialWeightsPath is null && !Architecture.IsPretrained())
        {
            throw new ArgumentException($"Freeze {Freeze} keeps the initial weights of {Architecture}, and they are random: there is nothing pretrained to freeze. Use {NetworkArchitecture.ResNet18ImageNet}, give InitialWeightsPath, or set Freeze to None.");
        }

        if (Freeze == FrozenLayers.Backbone && HorizontalFlip)
        {
            throw new ArgumentException("With Freeze Backbone the features of every image are computed once, unflipped, so HorizontalFlip cannot apply. Turn HorizontalFlip off, or freeze AllButLastStage.");
        }

        if (Mean is not { Length: 3 } || Std is not { Length: 3 } || Std.Any(s => !(s > 0)))
        {
            throw new ArgumentException("Mean and Std need three values (R, G, B), and every Std must be positive.");
        }

        if (!(GroupDroStepSize > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(GroupDroStepSize), GroupDroStepSize, "GroupDroStepSize must be positive.");
        }

        if (DfrRegularization is not { Length: > 0 } || DfrRegularization.Any(c => !(c > 0)))
        {
            throw new ArgumentException("DfrRegularization needs at least one positive value.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(DfrSubsets, 1, nameof(DfrSubsets));
        ArgumentOutOfRangeException.ThrowIfNegative(ImageCacheMegabytes, nameof(ImageCacheMegabytes));
        if (ImagesPerSubgroup is int k)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k, nameof(ImagesPerSubgroup));
        }
    }

    internal string Fingerprint(int seed) => string.Join(';',
        Strategy, Method, Architecture, ImageSize, string.Join(',', Mean), string.Join(',', Std), InitialWeightsPath,
        Pretraining.Fingerprint(), FineTuning.Fingerprint(), Training.Fingerprint(), FreezeBatchNorm, Freeze, GroupDroStepSize, string.Join(',', DfrRegularization), DfrSubsets,
        ImagesPerSubgroup, AllowPoolShortfall, HorizontalFlip, seed);
}
