using System.CommandLine;
using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr reproduce: the grid strategies x methods x bias rates x severities x seeds, resumable, results as CSV and markdown.</summary>
internal sealed class ReproduceCommand : CliCommand
{
    private static readonly BenchmarkDatasetOptions Dataset = new();

    private readonly CliOption<double[]> _biasRates = CliOptions.Numbers("--bias-rates", "Bias rates, comma- or space-separated.", new[] { 0.95, 0.99, 0.999 }, 0.5, 1, exclusive: true);
    private readonly CliOption<int[]> _severities = CliOptions.Ints("--severities", "Synthetic signature severities.", new[] { Dataset.SyntheticSeverity }, 0, 5);
    private readonly CliOption<int[]> _seeds = CliOptions.Ints("--seeds", "Seeds.", new[] { 0, 1, 2 });
    private readonly CliOption<SyntheticStrategy[]> _strategies = Grid.Strategies("Strategies.");
    private readonly CliOption<TrainingMethod[]> _methods = Grid.Methods();
    private readonly CliOption<string> _out = CliOptions.Text("--out", "The results folder.", "ffr-reproduce", "-o");
    private readonly CliOption<int> _majorityPerClass = BenchmarkDataCommand.MajorityPerClass();
    private readonly CliOption<int> _renderSize = CliOptions.Int("--render-size",
        "Side in pixels the benchmark dataset's images are rendered at (pair it with --image-size).", Dataset.ImageSize, 28, 1024);
    private readonly NetworkChoice _network = new();
    private readonly Schedules _schedule = new();

    public ReproduceCommand()
        : base("reproduce", "Run the full grid (resumable: finished cells are kept); write results.csv and results.md.")
    {
        Add(new Option[] { _biasRates, _severities, _seeds, _strategies, _methods, _out, _majorityPerClass, _renderSize });
        Add(_network.Options);
        Add(_schedule.Options);
    }

    public override bool StopsAfterStep => true;

    public override int Run(ParseResult args, CliContext context)
    {
        string outDir = Path.GetFullPath(args.Value(_out));
        Outputs.Writable(_out, outDir, folder: true);
        int? device = _network.GpuDevice(args);
        IReadOnlyList<double> biasRates = args.Value(_biasRates);
        IReadOnlyList<int> severities = args.Value(_severities);
        IReadOnlyList<int> seeds = args.Value(_seeds);
        SyntheticStrategy[] strategies = args.Value(_strategies);
        TrainingMethod[] methods = args.Value(_methods);
        string csv = Path.Combine(outDir, "results.csv");
        int majorityPerClass = args.GetValue(_majorityPerClass);
        int renderSize = args.GetValue(_renderSize);
        ExperimentCell[] cells = (
            from biasRate in biasRates
            from severity in severities
            from seed in seeds
            from strategy in strategies
            from method in methods
            select new ExperimentCell(biasRate, severity, strategy, method, seed)).ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        // One dataset at a time: the runner of the cell's (bias rate, severity, seed), made when its first unfinished cell comes.
        (double, int, int)? currentKey = null;
        ExperimentRunner? runner = null;
        ExperimentGrid.Run(cells, csv, (cell, index) =>
        {
            var key = (cell.BiasRate, cell.Severity, cell.Seed);
            if (runner is null || currentKey != key)
            {
                runner = Runner(context, outDir, cell.BiasRate, cell.Severity, cell.Seed, majorityPerClass, renderSize, device);
                currentKey = key;
            }

            string label = string.Create(CultureInfo.InvariantCulture, $"[{index}/{cells.Length}] r={cell.BiasRate} s={cell.Severity} seed={cell.Seed} {cell.Name}");
            FfrTrainerOptions options = _schedule.Apply(args, _network.Apply(args, new FfrTrainerOptions
            {
                Strategy = cell.Strategy, Method = cell.Method, Seed = cell.Seed,
                Progress = new ProgressPrinter(context, label), CancellationToken = context.Cancellation,
            }));
            ExperimentResult result = runner.RunCell(options, cell, outputFolder: null);
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: test worst-group {result.WorstGroupAccuracy:0.000}, balanced {result.BalancedAccuracy:0.000} ({result.Seconds:0} s)"));
            return result;
        });

        List<ExperimentResult> all = ResultsTable.Read(csv);
        ResultsTable.WriteCharts(all, outDir);
        AtomicFile.WriteText(Path.Combine(outDir, "results.md"), ResultsTable.ToMarkdown(all, chartFolder: string.Empty));
        context.Out.WriteLine(ResultsTable.ToMarkdown(all));
        context.Out.WriteLine($"{all.Count} cells in {csv}; this run took {watch.Elapsed.TotalMinutes:0.0} min.");
        return 0;
    }

    private static ExperimentRunner Runner(CliContext context, string outDir, double biasRate, int severity, int seed, int majorityPerClass, int renderSize, int? device)
    {
        string size = renderSize == Dataset.ImageSize ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"-px{renderSize}");
        string folder = Path.Combine(outDir, "data", string.Create(CultureInfo.InvariantCulture, $"r{biasRate}-s{severity}-seed{seed}-m{majorityPerClass}{size}"));
        string manifest = Path.Combine(folder, "manifest.csv");
        if (!File.Exists(manifest))
        {
            manifest = BenchmarkDataset.Create(new BenchmarkDatasetOptions { BiasRate = biasRate, SyntheticSeverity = severity, Seed = seed, MajorityPerClass = majorityPerClass, ImageSize = renderSize }).WriteTo(folder);
        }

        MLContext ml = context.NewMLContext();
        ml.GpuDeviceId = device;
        return new ExperimentRunner(ml, ImageManifest.Load(manifest, new ManifestLoadOptions { VerifyImages = false }));
    }
}
