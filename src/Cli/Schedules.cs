using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The --epochs and --fine-tuning-epochs options, shared by train, demo and reproduce.</summary>
internal static class Schedules
{
    public static FfrTrainerOptions Apply(Arguments args, FfrTrainerOptions options)
    {
        if (args.IntOrNull("epochs") is int epochs)
        {
            Check("epochs", epochs);
            options.Pretraining.Epochs = epochs;
            options.Training.Epochs = epochs;
        }

        if (args.IntOrNull("fine-tuning-epochs") is int fineTuning)
        {
            Check("fine-tuning-epochs", fineTuning);
            options.FineTuning.Epochs = fineTuning;
        }

        return options;
    }

    private static void Check(string name, int value)
    {
        if (value < 1)
        {
            throw new UserErrorException($"--{name} must be at least 1; got {value}.");
        }
    }
}
