using System.CommandLine;
using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr compare: the pilot on a user's manifest, the strategies x methods x seeds grid, resumable, with a report (Comparison).</summary>
internal sealed class CompareCommand : CliCommand
{
    private static readonly ComparisonOptions Defaults = new();

    private readonly ManifestInput _manifest = new("The manifest CSV (train, val, test and synthetic rows).", pool: true);
    private readonly CliOption<SyntheticStrategy[]> _strategies = Grid.Strategies("Strategies; those that need a synthetic pool are skipped, with the reason, when there is none.");
    private readonly CliOption<TrainingMethod[]> _methods = Grid.Methods();
    private readonly CliOption<int[]> _seeds = CliOptions.Ints("--seeds", "Seeds; with two or more the report says whether the recommendation's margin is within their spread.", new[] { CliContext.Seed });
    private readonly CliOption<string> _out = CliOptions.Text("--out", "The report folder (results.csv, models, charts, report.md); finished cells found there are kept.", "ffr-compare", "-o");
    private readonly CliOption<double?> _maxMinutes = CliOptions.OptionalNumber("--max-minutes",
        "Stop before a cell that would end past this many minutes (estimated from the cells run so far) and report what finished.", 0, 1_000_000, exclusive: true);
    private readonly CliOption<int> _explain = CliOptions.Int("--explain-images",
        "Bias-conflicting test images per class that None-ERM gets wrong, explained with RISE for it and the recommended model.", Defaults.ExplainedImagesPerClass, 0, 1000);
    private readonly CliOption<int> _masks = ExplainCommand.Masks("RISE masks per image.");
    private readonly CliOption<int?> _imagesPerSubgroup = ManifestInput.ImagesPerSubgroup();
    private readonly CliOption<bool> _allowShortfall = CliOptions.Flag("--allow-shortfall",
        "Train with what the synthetic pool holds when it is short of a budget (otherwise compare stops before any training).");
    private readonly NetworkChoice _network = new();
    private readonly Schedules _schedule = new();

    public CompareCommand()
        : base("compare", "Train strategies x methods x seeds on a manifest (resumable) and write report.md: test accuracies, a recommendation chosen on validation, RISE heatmaps, cost.")
    {
        Add(_manifest.Options);
        Add(new Option[] { _strategies, _methods, _seeds, _out, _maxMinutes, _explain, _masks, _imagesPerSubgroup, _allowShortfall });
        Add(_network.Options);
        Add(_schedule.Options);
        Add(_manifest.Validation.Options);
    }

    public override bool StopsAfterStep => true;

    public override int Run(ParseResult args, CliContext context)
    {
        string outDir = Path.GetFullPath(args.Value(_out));
        Outputs.Writable(_out, outDir, folder: true);
        SyntheticStrategy[] strategies = args.Value(_strategies);
        TrainingMethod[] methods = args.Value(_methods);
        IReadOnlyList<int> seeds = args.Value(_seeds).Distinct().ToArray();
        double? maxMinutes = args.GetValue(_maxMinutes);
        int? imagesPerSubgroup = args.GetValue(_imagesPerSubgroup);
        var rise = new RiseOptions { Masks = args.GetValue(_masks) };
        int explain = args.GetValue(_explain);
        _network.Apply(args, new FfrTrainerOptions()); // option mistakes before the manifest is read

        var ml = context.NewMLContext();
        ml.GpuDeviceId = _network.GpuDevice(args);
        (ImageManifest manifest, _) = _manifest.Load(args, context);
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
                $"The manifest '{args.Value(_manifest.Manifest)}' {which}. compare keeps each model's epoch and picks its recommendation by validation worst-group accuracy, so validation needs every subgroup: "
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
            TrainerOptions = cell => _schedule.Apply(args, _network.Apply(args, new FfrTrainerOptions
            {
                ImagesPerSubgroup = cell.Strategy is SyntheticStrategy.Asb or SyntheticStrategy.Ffr ? imagesPerSubgroup : null,
                AllowPoolShortfall = args.GetValue(_allowShortfall),
                Progress = new ProgressPrinter(context, string.Create(CultureInfo.InvariantCulture, $"{cell.Name} seed {cell.Seed}")),
                CancellationToken = context.Cancellation,
            })),
            TimeBudget = maxMinutes is double minutes ? TimeSpan.FromMinutes(minutes) : null,
            ExplainedImagesPerClass = explain,
            Rise = rise,
            Generation = generation,
            Description = $"Manifest: {Path.GetFullPath(args.Value(_manifest.Manifest))}{(_manifest.Pool(args) is string pool ? $"; synthetic pool: {Path.GetFullPath(pool)}" : string.Empty)}. "
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
    private string? GenerationLogFile(ParseResult args)
    {
        string manifest = _manifest.Pool(args) ?? args.Value(_manifest.Manifest);
        string file = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(manifest))!, GenerationLog.FileName);
        return File.Exists(file) ? file : null;
    }
}
