using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr demo: the README's main job. None, USB, ASB and FFR on the embedded benchmark dataset at bias rate 0.99.</summary>
internal sealed class DemoCommand : Command
{
    public override string Name => "demo";

    public override string Summary => "Train None-ERM, USB-ERM, ASB-ERM, FFR-ERM and FFR-GroupDRO on the embedded dataset (bias rate 0.99) and compare.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("out", "The report folder (data, models, report.md).", Default: "ffr-demo"),
        new OptionSpec("seed", "Seed of the dataset and the trainings.", Default: "0"),
        new OptionSpec("majority-per-class", "Bias-aligned training images per class (smaller is faster).", Default: "1000"),
    }.Concat(Schedules.Options).ToArray();

    public override bool StopsAfterStep => true;

    public override int Run(Arguments args, CliContext context)
    {
        string outDir = Path.GetFullPath(args.Value("out") ?? "ffr-demo");
        Outputs.Writable("out", outDir, folder: true);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ComparisonReport report = BenchmarkDemo.Run(context.NewMLContext(), outDir, new BenchmarkDemoOptions
        {
            Seed = args.Int("seed", 0),
            MajorityPerClass = args.Int("majority-per-class", 1000, 1, 100_000),
            TrainerOptions = cell => Schedules.Apply(args, new FfrTrainerOptions
            {
                Progress = new ProgressPrinter(context, cell.Name), CancellationToken = context.Cancellation,
            }),
            Log = context.Out.WriteLine,
        });

        context.Out.WriteLine();
        context.Out.WriteLine(report.Table);
        context.Out.WriteLine($"Report: {report.ReportPath}; models in {Path.Combine(outDir, "models")}; {watch.Elapsed.TotalSeconds:0} s in all.");
        return 0;
    }
}
