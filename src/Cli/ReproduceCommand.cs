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
        SyntheticStrategy[] strategies = Split(args.Values("strategies"), "none,usb,asb,ffr").Select(s => Lookup(Names.Strategies, s, "strategies")).ToArray();
        TrainingMethod[] methods = Split(args.Values("methods"), "erm,resample,groupdro,dfr").Select(s => Lookup(Names.Methods, s, "methods")).ToArray();
        string csv = Path.Combine(outDir, "results.csv");
        var done = ResultsTable.Read(csv).Select(r => r.Cell).ToHashSet();
        int total = biasRates.Count * severities.Count * seeds.Count * strategies.Length * methods.Length;
        int index = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (double biasRate in biasRates)
        {
            foreach (int severity in severities)
            {
                foreach (int seed in seeds)
                {
                    ExperimentRunner? runner = null;
                    foreach (SyntheticStrategy strategy in strategies)
                    {
                        foreach (TrainingMethod method in methods)
                        {
                            index++;
                            var cell = new ExperimentCell(biasRate, severity, strategy, method, seed);
                            if (done.Contains(cell))
                            {
                                continue;
                            }

                            runner ??= Runner(context, outDir, biasRate, severity, seed, args.Int("majority-per-class", 1000, 1, 100_000), args.Int("render-size", 32, 28, 1024), device);
                            string label = string.Create(CultureInfo.InvariantCulture, $"[{index}/{total}] r={biasRate} s={severity} seed={seed} {cell.Name}");
                            FfrTrainerOptions options = Schedules.Apply(args, NetworkChoice.Apply(args, new FfrTrainerOptions
                            {
                                Strategy = strategy, Method = method, Seed = seed,
                                Progress = new ProgressPrinter(context, label), CancellationToken = context.Cancellation,
                            }));
                            (ExperimentResult result, FfrImageClassificationTransformer model, _) = runner.Run(options, biasRate, severity);
                            model.Dispose();
                            ResultsTable.Append(csv, result);
                            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: test worst-group {result.WorstGroupAccuracy:0.000}, balanced {result.BalancedAccuracy:0.000} ({result.Seconds:0} s)"));
                        }
                    }
                }
            }
        }

        List<ExperimentResult> all = ResultsTable.Read(csv);
        ResultsTable.WriteCharts(all, outDir);
        AtomicFile.WriteText(Path.Combine(outDir, "results.md"), ResultsTable.ToMarkdown(all, chartFolder: string.Empty));
        context.Out.WriteLine(ResultsTable.ToMarkdown(all));
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

    private static IEnumerable<string> Split(IReadOnlyList<string> values, string fallback) =>
        (values.Count == 0 ? new[] { fallback } : values).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(v => v.Trim().ToLowerInvariant());

    private static T Lookup<T>(IReadOnlyDictionary<string, T> names, string value, string option) =>
        names.TryGetValue(value, out T? v) ? v : throw new UserErrorException($"--{option} '{value}' is not one of {string.Join(", ", names.Keys)}.");
}
