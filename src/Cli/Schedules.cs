using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The schedule options (epochs, learning rates, batch size), shared by train, demo and reproduce.</summary>
internal static class Schedules
{
    /// <summary>The options, their defaults those of <see cref="FfrTrainerOptions"/>.</summary>
    public static readonly OptionSpec[] Options = Create(new FfrTrainerOptions());

    private static OptionSpec[] Create(FfrTrainerOptions defaults) => new OptionSpec[]
    {
        new("epochs", "Epochs of pretraining and of training (None/USB/ASB).", Default: defaults.Training.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("fine-tuning-epochs", "Epochs of FFR's fine-tuning on real data.", Default: defaults.FineTuning.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("learning-rate", "Adam's learning rate for pretraining and training (None/USB/ASB).", Default: defaults.Training.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("fine-tuning-learning-rate", "Adam's learning rate for FFR's fine-tuning.", Default: defaults.FineTuning.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("batch-size", "Images per training step, every phase.", Default: defaults.Training.BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    public static FfrTrainerOptions Apply(Arguments args, FfrTrainerOptions options)
    {
        if (args.IntOrNull("epochs", 1, 10_000) is int epochs)
        {
            options.Pretraining.Epochs = epochs;
            options.Training.Epochs = epochs;
        }

        if (args.IntOrNull("fine-tuning-epochs", 1, 10_000) is int fineTuning)
        {
            options.FineTuning.Epochs = fineTuning;
        }

        if (args.Value("learning-rate") is not null)
        {
            options.Pretraining.LearningRate = options.Training.LearningRate = args.Double("learning-rate", 0, 0, 10, exclusive: true);
        }

        if (args.Value("fine-tuning-learning-rate") is not null)
        {
            options.FineTuning.LearningRate = args.Double("fine-tuning-learning-rate", 0, 0, 10, exclusive: true);
        }

        if (args.IntOrNull("batch-size", 1, 65_536) is int batch)
        {
            options.Pretraining.BatchSize = options.FineTuning.BatchSize = options.Training.BatchSize = batch;
        }

        return options;
    }
}
