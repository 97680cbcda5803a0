using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The --epochs and --fine-tuning-epochs options, shared by train, demo and reproduce.</summary>
internal static class Schedules
{
    /// <summary>The two options, their defaults those of <see cref="FfrTrainerOptions"/>.</summary>
    public static readonly OptionSpec[] Options = Create(new FfrTrainerOptions());

    private static OptionSpec[] Create(FfrTrainerOptions defaults) => new OptionSpec[]
    {
        new("epochs", "Epochs of pretraining and of training (None/USB/ASB).", Default: defaults.Training.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("fine-tuning-epochs", "Epochs of FFR's fine-tuning on real data.", Default: defaults.FineTuning.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture)),
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

        return options;
    }
}
