using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
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
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ReproductionReport report = Reproduction.Run(outDir, new ReproductionOptions
        {
            BiasRates = biasRates, Severities = severities, Seeds = seeds, Strategies = strategies, Methods = methods,
            MajorityPerClass = args.Int("majority-per-class", 1000, 1, 100_000),
            RenderSize = args.Int("render-size", 32, 28, 1024),
            NewContext = () =>
            {
                MLContext ml = context.NewMLContext();
                ml.GpuDeviceId = device;
                return ml;
            },
            TrainerOptions = (_, label) => Schedules.Apply(args, NetworkChoice.Apply(args, new FfrTrainerOptions
            {
                Progress = new ProgressPrinter(context, label), CancellationToken = context.Cancellation,
            })),
            Log = context.Out.WriteLine,
        });

        context.Out.WriteLine(ResultsMarkdown.ToMarkdown(report.Results));
        context.Out.WriteLine($"{report.Results.Count} cells in {report.ResultsCsv}; this run took {watch.Elapsed.TotalMinutes:0.0} min.");
        return 0;
    }
}
