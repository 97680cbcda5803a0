using System.CommandLine;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The schedule options (epochs, learning rates, batch size, image memory), shared by train, compare, demo and reproduce; defaults from <see cref="FfrTrainerDefaults"/>.</summary>
internal sealed class Schedules
{
    public CliOption<int> Epochs { get; } = CliOptions.Int("--epochs", "Epochs of pretraining and of training (None/USB/ASB).", FfrTrainerDefaults.Epochs, 1, 10_000);

    public CliOption<int> FineTuningEpochs { get; } = CliOptions.Int("--fine-tuning-epochs", "Epochs of FFR's fine-tuning on real data.", FfrTrainerDefaults.FineTuningEpochs, 1, 10_000);

    public CliOption<double> LearningRate { get; } =
        CliOptions.Number("--learning-rate", "Adam's learning rate for pretraining and training (None/USB/ASB).", FfrTrainerDefaults.LearningRate, 0, 10, exclusive: true);

    public CliOption<double> FineTuningLearningRate { get; } =
        CliOptions.Number("--fine-tuning-learning-rate", "Adam's learning rate for FFR's fine-tuning.", FfrTrainerDefaults.FineTuningLearningRate, 0, 10, exclusive: true);

    public CliOption<int> BatchSize { get; } = CliOptions.Int("--batch-size", "Images per training step, every phase.", FfrTrainerDefaults.BatchSize, 1, 65_536);

    public CliOption<int> ImageCache { get; } = CliOptions.Int("--image-cache-mb",
        "Megabytes of decoded images held across epochs (validation first, then each phase's training images); a set that does not fit is decoded on every pass. 0 decodes every pass. train also keeps up to this much of the manifest check's decoded train and val images for training, so each is decoded once.",
        FfrTrainerDefaults.ImageCacheMegabytes, 0, 1 << 20);

    public IEnumerable<Option> Options => new Option[] { Epochs, FineTuningEpochs, LearningRate, FineTuningLearningRate, BatchSize, ImageCache };

    /// <summary>Sets the schedule of every phase of <paramref name="options"/> (the defaults, where an option is not given, are the options' own).</summary>
    public FfrTrainerOptions Apply(ParseResult args, FfrTrainerOptions options)
    {
        options.Pretraining.Epochs = options.Training.Epochs = args.GetValue(Epochs);
        options.FineTuning.Epochs = args.GetValue(FineTuningEpochs);
        options.Pretraining.LearningRate = options.Training.LearningRate = args.GetValue(LearningRate);
        options.FineTuning.LearningRate = args.GetValue(FineTuningLearningRate);
        options.Pretraining.BatchSize = options.FineTuning.BatchSize = options.Training.BatchSize = args.GetValue(BatchSize);
        options.ImageCacheMegabytes = args.GetValue(ImageCache);
        return options;
    }
}
