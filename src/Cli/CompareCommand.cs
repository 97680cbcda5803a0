using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr compare: the pilot on a user's manifest, the strategies x methods x seeds grid, resumable, with a report (Comparison).</summary>
internal sealed class CompareCommand : Command
{
    public override string Name => "compare";

    public override string Summary => "Train strategies x methods x seeds on a manifest (resumable) and write report.md: test accuracies, a recommendation chosen on validation, RISE heatmaps, cost.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("manifest", "The manifest CSV (train, val, test and synthetic rows).", Required: true),
        Inputs.SyntheticPool,
        new OptionSpec("strategies", "Strategies; those that need a synthetic pool are skipped, with the reason, when there is none.", Many: true, Default: "none,usb,asb,ffr"),
        new OptionSpec("methods", "Methods.", Many: true, Default: "erm,resample,groupdro,dfr"),
        new OptionSpec("seeds", "Seeds; with two or more the report says whether the recommendation's margin is within their spread.", Many: true, Default: "0"),
        new OptionSpec("out", "The report folder (results.csv, models, charts, report.md); finished cells found there are kept.", Default: "ffr-compare"),
        new OptionSpec("max-minutes", "Stop before a cell that would end past this many minutes (estimated from the cells run so far) and report what finished."),
        new OptionSpec("explain-images", "Bias-conflicting test images per class that None-ERM gets wrong, explained with RISE for it and the recommended model.", Default: "2"),
        new OptionSpec("masks", "RISE masks per image.", Default: "1000"),
        Inputs.ImagesPerSubgroup,
        new OptionSpec("allow-shortfall", "Train with what the synthetic pool holds when it is short of a budget (otherwise compare stops before any training).", IsFlag: true),
    }.Concat(NetworkChoice.Options).Concat(Schedules.Options).Concat(Inputs.ManifestOptions).ToArray();

    public override bool StopsAfterStep => true;

    public override int Run(Arguments args, CliContext context)
    {
        string outDir = Path.GetFullPath(args.Value("out") ?? "ffr-compare");
        Outputs.Writable("out", outDir, folder: true);
        SyntheticStrategy[] strategies = Names.Selection(args, "strategies", "none,usb,asb,ffr", Names.Strategies);
        TrainingMethod[] methods = Names.Selection(args, "methods", "erm,resample,groupdro,dfr", Names.Methods);
        IReadOnlyList<int> seeds = args.Ints("seeds", new[] { 0 }).Distinct().ToArray();
        double? maxMinutes = args.Value("max-minutes") is null ? null : args.Double("max-minutes", 0, 0, 1_000_000, exclusive: true);
        int? imagesPerSubgroup = args.IntOrNull("images-per-subgroup", 1, int.MaxValue);
        var rise = new RiseOptions { Masks = args.Int("masks", 1000, 1, 1_000_000) };
        int explain = args.Int("explain-images", 2, 0, 1000);
        NetworkChoice.Apply(args, new FfrTrainerOptions()); // option mistakes before the manifest is read
        Schedules.Apply(args, new FfrTrainerOptions());

        var ml = context.NewMLContext();
        ml.GpuDeviceId = NetworkChoice.Device(args);
        (ImageManifest manifest, _) = Inputs.Manifest(args, context);
        if (manifest.Select(DataSplit.Train, SampleSource.Real).Count == 0)
        {
            throw new UserErrorException("The manifest has no real training rows (Source real, Split train); there is nothing to compare.");
        }

        var runner = new ExperimentRunner(ml, manifest);
        if (runner.MissingValidationSubgroups.Count > 0)
        {
            string which = manifest.Select(DataSplit.Val).Count == 0
                ? "has no validation rows (Split val)"
                : $"has no validation rows of {runner.MissingValidationSubgroups.Count} subgroup(s): {string.Join(", ", runner.MissingValidationSubgroups)}";
            throw new InvalidDataException(
                $"The manifest '{args.Required("manifest")}' {which}. compare keeps each model's epoch and picks its recommendation by validation worst-group accuracy, so validation needs every subgroup: "
                + "add rows with Split val for them (ffr import --format csv without --split-column puts --val-fraction of each subgroup in val). Nothing was trained.");
        }

        string? logFile = GenerationLogFile(args);
        GenerationCost? generation = null;
        if (logFile is not null)
        {
            IReadOnlyList<GenerationLogRecord> made = GenerationLog.Read(logFile).Where(r => r.Status == "made").ToArray();
            generation = new GenerationCost(made.Count, made.Sum(r => r.Seconds));
        }

        ComparisonReport report = Comparison.Run(runner, outDir, new ComparisonOptions
        {
            Runs = ComparisonOptions.Grid(strategies, methods),
            Seeds = seeds,
            TrainerOptions = cell => Schedules.Apply(args, NetworkChoice.Apply(args, new FfrTrainerOptions
            {
                ImagesPerSubgroup = cell.Strategy is SyntheticStrategy.Asb or SyntheticStrategy.Ffr ? imagesPerSubgroup : null,
                AllowPoolShortfall = args.Flag("allow-shortfall"),
                Progress = new ProgressPrinter(context, string.Create(CultureInfo.InvariantCulture, $"{cell.Name} seed {cell.Seed}")),
                CancellationToken = context.Cancellation,
            })),
            TimeBudget = maxMinutes is double minutes ? TimeSpan.FromMinutes(minutes) : null,
            ExplainedImagesPerClass = explain,
            Rise = rise,
            Generation = generation,
            Description = $"Manifest: {Path.GetFullPath(args.Required("manifest"))}{(args.Value("synthetic") is string pool ? $"; synthetic pool: {Path.GetFullPath(pool)}" : string.Empty)}. "
                + $"Generation log: {(logFile is null ? "none" : logFile)}.",
            Log = context.Out.WriteLine,
        });

        context.Out.WriteLine();
        context.Out.WriteLine(report.Table);
        if (report.Recommendation is Recommendation r)
        {
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Recommended on the validation split: {r.Name} (validation worst-group {r.ValidationWorstGroupAccuracy:0.000}{(r.Margin is double m ? $", {m:0.000} above {r.RunnerUp}" : string.Empty)})."));
        }

        context.Out.WriteLine($"Report: {report.ReportPath}; {report.Results.Count} cell(s) finished{(report.Grid.NotRun.Count > 0 ? $", {report.Grid.NotRun.Count} not run ({report.Grid.StoppedBecause})" : string.Empty)}.");
        return 0;
    }

    /// <summary>generation-log.jsonl beside the pool's manifest (--synthetic) or beside the manifest (its own synthetic rows); null when there is none.</summary>
    private static string? GenerationLogFile(Arguments args)
    {
        string manifest = args.Value("synthetic") ?? args.Required("manifest");
        string file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifest))!, GenerationLog.FileName);
        return File.Exists(file) ? file : null;
    }
}
