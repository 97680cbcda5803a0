using System.CommandLine;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.IO;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr train: trains on a manifest's train/val splits and writes a standard ML.NET model zip and a JSON summary.</summary>
internal sealed class TrainCommand : CliCommand
{
    private readonly ManifestInput _manifest = new("The manifest CSV (train, val and synthetic rows).", pool: true);
    private readonly CliOption<string> _modelOut = CliOptions.Required("--model-out", "The model zip to write (the summary goes beside it, .summary.json).", "-o");
    private readonly CliOption<string?> _checkpoints = CliOptions.Text("--checkpoint-dir", "Folder for a checkpoint after each epoch; an existing checkpoint is resumed.");
    private readonly TrainerChoice _trainer = new();

    public TrainCommand()
        : base("train", "Train with a strategy and method; write an ML.NET model zip and a JSON training summary.")
    {
        Add(_manifest.Options);
        Add(_trainer.Strategy);
        Add(_trainer.Method);
        Add(_modelOut);
        Add(_trainer.Seed);
        Add(_checkpoints);
        Add(_trainer.ImagesPerSubgroup);
        Add(_trainer.AllowShortfall);
        Add(_trainer.Network.Options);
        Add(_trainer.Schedule.Options);
        Add(_manifest.Validation.Options);
    }

    public override bool StopsAfterStep => true;

    public override int Run(ParseResult args, CliContext context)
    {
        string modelOut = args.Value(_modelOut);
        string summaryPath = Path.ChangeExtension(modelOut, ".summary.json");
        FfrTrainerOptions options = _trainer.Options(args, context, "train");
        options.CheckpointDirectory = args.GetValue(_checkpoints);
        Outputs.Writable(_modelOut, modelOut);
        if (options.CheckpointDirectory is string checkpoints)
        {
            Outputs.Writable(_checkpoints, checkpoints, folder: true);
        }

        var ml = context.NewMLContext();
        ml.GpuDeviceId = _trainer.Network.GpuDevice(args);
        // The check decodes every image; up to --image-cache-mb of the train and val images are kept for the trainer, so each is decoded once.
        (Manifests.ImageManifest manifest, IReadOnlyList<string> warnings) = _manifest.Load(args, context, keepDecodedMegabytes: options.ImageCacheMegabytes);
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

    /// <summary>Subgroups (label x attribute) without real training images, and what each method does with them.</summary>
    private static string? EmptySubgroupWarning(ExperimentRunner runner) =>
        runner.TrainingReport.EmptySubgroups.Count == 0 ? null : $"{runner.TrainingReport.EmptySubgroups.Count} subgroup(s) have no real training images: {string.Join(", ", runner.TrainingReport.EmptySubgroups)}. "
            + "ERM, Resample and GroupDRO learn nothing about them from real data (Resample never draws them, GroupDRO has no loss for them); "
            + "DFR still fits its last layer on their validation images; with usb, asb or ffr the synthetic pool's images of them are their only training images.";
}

/// <summary>train's options for the trainer (strategy, method, seed, pool budget, network, schedule), defaults from <see cref="FfrTrainerDefaults"/>.</summary>
internal sealed class TrainerChoice
{
    public CliOption<SyntheticStrategy> Strategy { get; } = CliOptions.Choice("--strategy", "none, usb, asb or ffr.", Names.Strategies, FfrTrainerDefaults.Strategy, "-s");

    public CliOption<TrainingMethod> Method { get; } = CliOptions.Choice("--method", "erm, resample, groupdro or dfr.", Names.Methods, FfrTrainerDefaults.Method);

    public CliOption<int> Seed { get; } = CliOptions.Int("--seed", "Seed of the weights, order and selection.", CliContext.Seed);

    public CliOption<int?> ImagesPerSubgroup { get; } = ManifestInput.ImagesPerSubgroup();

    public CliOption<bool> AllowShortfall { get; } =
        CliOptions.Flag("--allow-shortfall", "Train with what the synthetic pool holds when it is short of the budget (a warning per short subgroup).");

    public NetworkChoice Network { get; } = new();

    public Schedules Schedule { get; } = new();

    /// <summary>The trainer's options from the command line; option mistakes (the budget of a strategy that has none) before any work.</summary>
    public FfrTrainerOptions Options(ParseResult args, CliContext context, string label)
    {
        SyntheticStrategy strategy = args.GetValue(Strategy);
        if (args.Given(ImagesPerSubgroup) && strategy is not (SyntheticStrategy.Asb or SyntheticStrategy.Ffr))
        {
            throw new UserErrorException($"--images-per-subgroup applies to --strategy asb and ffr only; {Names.Format(strategy)} {(strategy == SyntheticStrategy.Usb ? "tops every subgroup up to the largest" : "adds no synthetic images")}.");
        }

        return Schedule.Apply(args, Network.Apply(args, new FfrTrainerOptions
        {
            Strategy = strategy,
            Method = args.GetValue(Method),
            Seed = args.GetValue(Seed),
            ImagesPerSubgroup = args.GetValue(ImagesPerSubgroup),
            AllowPoolShortfall = args.GetValue(AllowShortfall),
            Progress = new ProgressPrinter(context, label),
            CancellationToken = context.Cancellation,
        }));
    }
}
