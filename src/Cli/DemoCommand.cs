using System.CommandLine;
using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr demo: the README's main job. None, USB, ASB and FFR on the embedded benchmark dataset at bias rate 0.99.</summary>
internal sealed class DemoCommand : CliCommand
{
    private static readonly (SyntheticStrategy Strategy, TrainingMethod Method)[] Runs =
    {
        (SyntheticStrategy.None, TrainingMethod.Erm), (SyntheticStrategy.Usb, TrainingMethod.Erm), (SyntheticStrategy.Asb, TrainingMethod.Erm),
        (SyntheticStrategy.Ffr, TrainingMethod.Erm), (SyntheticStrategy.Ffr, TrainingMethod.GroupDro),
    };

    private readonly CliOption<string> _out = CliOptions.Text("--out", "The report folder (data, models, report.md).", "ffr-demo", "-o");
    private readonly CliOption<int> _seed = CliOptions.Int("--seed", "Seed of the dataset and the trainings.", CliContext.Seed);
    private readonly CliOption<int> _majorityPerClass = BenchmarkDataCommand.MajorityPerClass();
    private readonly Schedules _schedule = new();

    public DemoCommand()
        : base("demo", "Train None-ERM, USB-ERM, ASB-ERM, FFR-ERM and FFR-GroupDRO on the embedded dataset (bias rate 0.99) and compare.")
    {
        Add(_out);
        Add(_seed);
        Add(_majorityPerClass);
        Add(_schedule.Options);
    }

    public override bool StopsAfterStep => true;

    public override int Run(ParseResult args, CliContext context)
    {
        string outDir = Path.GetFullPath(args.Value(_out));
        Outputs.Writable(_out, outDir, folder: true);
        int seed = args.GetValue(_seed);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const double biasRate = 0.99;
        var datasetOptions = new BenchmarkDatasetOptions { BiasRate = biasRate, Seed = seed, MajorityPerClass = args.GetValue(_majorityPerClass) };
        context.Out.WriteLine($"Writing the benchmark dataset (bias rate {biasRate}, synthetic signature severity {datasetOptions.SyntheticSeverity}) to {Path.Combine(outDir, "data")} ...");
        string manifestPath = BenchmarkDataset.Create(datasetOptions).WriteTo(Path.Combine(outDir, "data"));
        var ml = context.NewMLContext();
        var runner = new ExperimentRunner(ml, ImageManifest.Load(manifestPath, new ManifestLoadOptions { VerifyImages = false }));
        context.Out.WriteLine(runner.TrainingReport.ToTable());
        context.Out.WriteLine();

        ComparisonReport report = Comparison.Run(runner, outDir, new ComparisonOptions
        {
            Runs = Runs,
            Seeds = new[] { seed },
            TrainerOptions = cell => _schedule.Apply(args, new FfrTrainerOptions
            {
                Progress = new ProgressPrinter(context, cell.Name), CancellationToken = context.Cancellation,
            }),
            Resume = false,
            BiasRate = biasRate,
            Severity = datasetOptions.SyntheticSeverity,
            Title = "Ffr.MLNet demo",
            Description = DatasetText(datasetOptions),
            Log = context.Out.WriteLine,
        });

        context.Out.WriteLine();
        context.Out.WriteLine(report.Table);
        context.Out.WriteLine($"Report: {report.ReportPath}; models in {Path.Combine(outDir, "models")}; {watch.Elapsed.TotalSeconds:0} s in all.");
        return 0;
    }

    private static string DatasetText(BenchmarkDatasetOptions data) =>
        string.Create(CultureInfo.InvariantCulture, $"Benchmark dataset: Fashion-MNIST garments (tshirt, trouser, sneaker, bag) on coloured backgrounds, bias rate {data.BiasRate}, ")
        + string.Create(CultureInfo.InvariantCulture, $"{data.MajorityPerClass} bias-aligned training images per class, synthetic signature {data.SyntheticCorruption} at severity {data.SyntheticSeverity}, seed {data.Seed}.\n")
        + "Small CNN, 32x32, default schedules (4 epochs; FFR: 4 epochs of pretraining, 2 of fine-tuning at 3e-5); the epoch kept by validation worst-group accuracy; test subgroups of equal size.";
}
