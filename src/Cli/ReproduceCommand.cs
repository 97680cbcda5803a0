using System.CommandLine;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Experiments;
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
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ReproductionReport report = Reproduction.Run(outDir, new ReproductionOptions
        {
            BiasRates = biasRates, Severities = severities, Seeds = seeds, Strategies = strategies, Methods = methods,
            MajorityPerClass = args.GetValue(_majorityPerClass),
            RenderSize = args.GetValue(_renderSize),
            NewContext = () =>
            {
                MLContext ml = context.NewMLContext();
                ml.GpuDeviceId = device;
                return ml;
            },
            TrainerOptions = (_, label) => _schedule.Apply(args, _network.Apply(args, new FfrTrainerOptions
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
