using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr train: trains on a manifest's train/val splits and writes a standard ML.NET model zip and a JSON summary.</summary>
internal sealed class TrainCommand : Command
{
    public override string Name => "train";

    public override string Summary => "Train with a strategy and method; write an ML.NET model zip and a JSON training summary.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("manifest", "The manifest CSV (train, val and synthetic rows).", Required: true),
        new OptionSpec("synthetic", "A synthetic pool's manifest (such as the one 'ffr generate' writes) used instead of the manifest's synthetic rows."),
        new OptionSpec("strategy", "none, usb, asb or ffr.", Default: "ffr"),
        new OptionSpec("method", "erm, resample, groupdro or dfr.", Default: "erm"),
        new OptionSpec("model-out", "The model zip to write (the summary goes beside it, .summary.json).", Required: true),
        new OptionSpec("architecture", "smallcnn, resnet18, resnet34 or resnet50.", Default: "smallcnn"),
        new OptionSpec("image-size", "Side of the square network input.", Default: "32"),
        new OptionSpec("seed", "Seed of the weights, order and selection.", Default: "0"),
        new OptionSpec("checkpoint-dir", "Folder for a checkpoint after each epoch; an existing checkpoint is resumed."),
    }.Concat(Schedules.Options).ToArray();

    public override int Run(Arguments args, CliContext context)
    {
        string modelOut = args.Required("model-out");
        var ml = new MLContext(seed: 0);
        var runner = new ExperimentRunner(ml, Names.LoadManifest(args.Required("manifest"), args.Value("synthetic")));
        FfrTrainerOptions options = TrainerOptions(args, context, "train");
        using FfrImageClassificationTransformer model = runner.Train(options);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(modelOut))!);
        ml.Model.Save(model, runner.InputSchema, modelOut);
        string summaryPath = Path.ChangeExtension(modelOut, ".summary.json");
        File.WriteAllText(summaryPath, model.Summary.ToJson());
        PhaseSummary last = model.Summary.Phases[^1];
        context.Out.WriteLine($"Kept {last.Name} epoch {last.BestEpoch} (validation worst-group accuracy {last.BestValidationWorstGroupAccuracy:0.000}); {model.Summary.Seconds:0} s.");
        context.Out.WriteLine($"Wrote {modelOut} and {summaryPath}.");
        return 0;
    }

    internal static FfrTrainerOptions TrainerOptions(Arguments args, CliContext context, string label)
    {
        return Schedules.Apply(args, new FfrTrainerOptions
        {
            Strategy = args.Enum("strategy", Budgets.SyntheticStrategy.Ffr, Names.Strategies),
            Method = args.Enum("method", TrainingMethod.Erm, Names.Methods),
            Architecture = args.Enum("architecture", Networks.NetworkArchitecture.SmallCnn, Names.Architectures),
            ImageSize = args.Int("image-size", 32),
            Seed = args.Int("seed", 0),
            CheckpointDirectory = args.Value("checkpoint-dir"),
            Progress = new ProgressPrinter(context, label),
            CancellationToken = context.Cancellation,
        });
    }
}
