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
internal sealed class ReproduceCommand : Command
{
    public override string Name => "reproduce";

    public override string Summary => "Run the full grid (resumable: finished cells are kept); write results.csv and results.md.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("bias-rates", "Bias rates, comma- or space-separated.", Many: true, Default: "0.95,0.99,0.999"),
        new OptionSpec("severities", "Synthetic signature severities.", Many: true, Default: "3"),
        new OptionSpec("seeds", "Seeds.", Many: true, Default: "0,1,2"),
        new OptionSpec("strategies", "Strategies.", Many: true, Default: "none,usb,asb,ffr"),
        new OptionSpec("methods", "Methods.", Many: true, Default: "erm,resample,groupdro,dfr"),
        new OptionSpec("out", "The results folder.", Default: "ffr-reproduce"),
        new OptionSpec("majority-per-class", "Bias-aligned training images per class (smaller is faster).", Default: "1000"),
        new OptionSpec("render-size", "Side in pixels the benchmark dataset's images are rendered at (pair it with --image-size).", Default: "32"),
    }.Concat(NetworkChoice.Options).Concat(Schedules.Options).ToArray();

    public override bool StopsAfterStep => true;

    public override int Run(Arguments args, CliContext context)
    {
        string outDir = Path.GetFullPath(args.Value("out") ?? "ffr-reproduce");
        Outputs.Writable("out", outDir, folder: true);
        int? device = NetworkChoice.Device(args);
        IReadOnlyList<double> biasRates = args.Doubles("bias-rates", new[] { 0.95, 0.99, 0.999 }, 0.5, 1, exclusive: true);
        IReadOnlyList<int> severities = args.Ints("severities", new[] { 3 }, 0, 5);
        IReadOnlyList<int> seeds = args.Ints("seeds", new[] { 0, 1, 2 });
        SyntheticStrategy[] strategies = Names.Selection(args, "strategies", "none,usb,asb,ffr", Names.Strategies);
        TrainingMethod[] methods = Names.Selection(args, "methods", "erm,resample,groupdro,dfr", Names.Methods);
        string csv = Path.Combine(outDir, "results.csv");
        int majorityPerClass = args.Int("majority-per-class", 1000, 1, 100_000);
        int renderSize = args.Int("render-size", 32, 28, 1024);
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
            FfrTrainerOptions options = Schedules.Apply(args, NetworkChoice.Apply(args, new FfrTrainerOptions
            {
                Strategy = cell.Strategy, Method = cell.Method, Seed = cell.Seed,
                Progress = new ProgressPrinter(context, label), CancellationToken = context.Cancellation,
            }));
            ExperimentResult result = runner.RunCell(options, cell, outputFolder: null);
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: test worst-group {result.WorstGroupAccuracy:0.000}, balanced {result.BalancedAccuracy:0.000} ({result.Seconds:0} s)"));
            return result;
        });

        List<ExperimentResult> all = ResultsCsv.Read(csv);
        ResultsCharts.Write(all, outDir);
        AtomicFile.WriteText(Path.Combine(outDir, "results.md"), ResultsMarkdown.ToMarkdown(all, chartFolder: string.Empty));
        context.Out.WriteLine(ResultsMarkdown.ToMarkdown(all));
        context.Out.WriteLine($"{all.Count} cells in {csv}; this run took {watch.Elapsed.TotalMinutes:0.0} min.");
        return 0;
    }

    private static ExperimentRunner Runner(CliContext context, string outDir, double biasRate, int severity, int seed, int majorityPerClass, int renderSize, int? device)
    {
        string size = renderSize == 32 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"-px{renderSize}");
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
