using System.CommandLine;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr demo: the README's main job. None, USB, ASB and FFR on the embedded benchmark dataset at bias rate 0.99.</summary>
internal sealed class DemoCommand : CliCommand
{
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
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ComparisonReport report = BenchmarkDemo.Run(context.NewMLContext(), outDir, new BenchmarkDemoOptions
        {
            Seed = args.GetValue(_seed),
            MajorityPerClass = args.GetValue(_majorityPerClass),
            TrainerOptions = cell => _schedule.Apply(args, new FfrTrainerOptions
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
