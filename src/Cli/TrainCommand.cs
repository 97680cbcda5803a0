using Ffr.MLNet.Experiments;
using Ffr.MLNet.IO;
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
        Inputs.SyntheticPool,
        new OptionSpec("strategy", "none, usb, asb or ffr.", Default: "ffr"),
        new OptionSpec("method", "erm, resample, groupdro or dfr.", Default: "erm"),
        new OptionSpec("model-out", "The model zip to write (the summary goes beside it, .summary.json).", Required: true),
        new OptionSpec("seed", "Seed of the weights, order and selection.", Default: "0"),
        new OptionSpec("checkpoint-dir", "Folder for a checkpoint after each epoch; an existing checkpoint is resumed."),
        Inputs.ImagesPerSubgroup,
        new OptionSpec("allow-shortfall", "Train with what the synthetic pool holds when it is short of the budget (a warning per short subgroup).", IsFlag: true),
    }.Concat(NetworkChoice.Options).Concat(Schedules.Options).Concat(Inputs.ManifestOptions).ToArray();

    public override bool StopsAfterStep => true;

    public override int Run(Arguments args, CliContext context)
    {
        string modelOut = args.Required("model-out");
        string summaryPath = Path.ChangeExtension(modelOut, ".summary.json");
        FfrTrainerOptions options = TrainerOptions(args, context, "train");
        Outputs.Writable("model-out", modelOut);
        if (options.CheckpointDirectory is string checkpoints)
        {
            Outputs.Writable("checkpoint-dir", checkpoints, folder: true);
        }

        var ml = context.NewMLContext();
        ml.GpuDeviceId = NetworkChoice.Device(args);
        (Manifests.ImageManifest manifest, IReadOnlyList<string> warnings) = Inputs.Manifest(args, context);
        var runner = new ExperimentRunner(ml, manifest);
        var allWarnings = warnings.ToList();
        if (EmptySubgroupWarning(runner) is string empty)
        {
            context.Error.WriteLine("Warning: " + empty);
            allWarnings.Add(empty);
        }

        using FfrImageClassificationTransformer model = runner.Train(options);
        model.Summary.Warnings.InsertRange(0, allWarnings);
        foreach (string warning in model.Summary.Warnings.Skip(allWarnings.Count))
        {
            context.Error.WriteLine("Warning: " + warning);
        }

        ml.Model.SaveAtomically(model, runner.InputSchema, modelOut);
        AtomicFile.WriteText(summaryPath, model.Summary.ToJson());
        PhaseSummary last = model.Summary.Phases[^1];
        context.Out.WriteLine($"Kept {last.Name} epoch {last.BestEpoch} (validation worst-group accuracy {last.BestValidationWorstGroupAccuracy:0.000}); {model.Summary.Seconds:0} s.");
        context.Out.WriteLine($"Wrote {modelOut} and {summaryPath}.");
        return 0;
    }

    internal static FfrTrainerOptions TrainerOptions(Arguments args, CliContext context, string label)
    {
        var strategy = args.Enum("strategy", Budgets.SyntheticStrategy.Ffr, Names.Strategies);
        if (args.Value("images-per-subgroup") is not null && strategy is not (Budgets.SyntheticStrategy.Asb or Budgets.SyntheticStrategy.Ffr))
        {
            throw new UserErrorException($"--images-per-subgroup applies to --strategy asb and ffr only; {Names.Format(strategy)} {(strategy == Budgets.SyntheticStrategy.Usb ? "tops every subgroup up to the largest" : "adds no synthetic images")}.");
        }

        return Schedules.Apply(args, NetworkChoice.Apply(args, new FfrTrainerOptions
        {
            Strategy = strategy,
            Method = args.Enum("method", TrainingMethod.Erm, Names.Methods),
            Seed = args.Int("seed", 0),
            CheckpointDirectory = args.Value("checkpoint-dir"),
            ImagesPerSubgroup = args.IntOrNull("images-per-subgroup", 1, int.MaxValue),
            AllowPoolShortfall = args.Flag("allow-shortfall"),
            Progress = new ProgressPrinter(context, label),
            CancellationToken = context.Cancellation,
        }));
    }

    /// <summary>Subgroups (label x attribute) without real training images, and what each method does with them.</summary>
    private static string? EmptySubgroupWarning(ExperimentRunner runner) =>
        runner.TrainingReport.EmptySubgroups.Count == 0 ? null : $"{runner.TrainingReport.EmptySubgroups.Count} subgroup(s) have no real training images: {string.Join(", ", runner.TrainingReport.EmptySubgroups)}. "
            + "ERM, Resample and GroupDRO learn nothing about them from real data (Resample never draws them, GroupDRO has no loss for them); "
            + "DFR still fits its last layer on their validation images; with usb, asb or ffr the synthetic pool's images of them are their only training images.";
}
