using System.Globalization;
using System.Text;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Reports;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr demo: the README's main job. None, USB, ASB and FFR on the embedded benchmark dataset at bias rate 0.99.</summary>
internal sealed class DemoCommand : Command
{
    private static readonly (SyntheticStrategy Strategy, TrainingMethod Method)[] Runs =
    {
        (SyntheticStrategy.None, TrainingMethod.Erm), (SyntheticStrategy.Usb, TrainingMethod.Erm), (SyntheticStrategy.Asb, TrainingMethod.Erm),
        (SyntheticStrategy.Ffr, TrainingMethod.Erm), (SyntheticStrategy.Ffr, TrainingMethod.GroupDro),
    };

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
        int seed = args.Int("seed", 0);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        const double biasRate = 0.99;
        var datasetOptions = new BenchmarkDatasetOptions { BiasRate = biasRate, Seed = seed, MajorityPerClass = args.Int("majority-per-class", 1000, 1, 100_000) };
        context.Out.WriteLine($"Writing the benchmark dataset (bias rate {biasRate}, synthetic signature severity {datasetOptions.SyntheticSeverity}) to {Path.Combine(outDir, "data")} ...");
        string manifestPath = BenchmarkDataset.Create(datasetOptions).WriteTo(Path.Combine(outDir, "data"));
        var ml = context.NewMLContext();
        var runner = new ExperimentRunner(ml, ImageManifest.Load(manifestPath, new ManifestLoadOptions { VerifyImages = false }));
        context.Out.WriteLine(runner.TrainingReport.ToTable());
        context.Out.WriteLine();

        var results = new List<(ExperimentResult Result, SubgroupEvaluation Evaluation)>();
        foreach ((SyntheticStrategy strategy, TrainingMethod method) in Runs)
        {
            string name = new ExperimentCell(biasRate, datasetOptions.SyntheticSeverity, strategy, method, seed).Name;
            FfrTrainerOptions options = Schedules.Apply(args, new FfrTrainerOptions
            {
                Strategy = strategy, Method = method, Seed = seed,
                Progress = new ProgressPrinter(context, name), CancellationToken = context.Cancellation,
            });
            (ExperimentResult result, FfrImageClassificationTransformer model, SubgroupEvaluation evaluation) = runner.Run(options, biasRate, datasetOptions.SyntheticSeverity);
            using (model)
            {
                ml.Model.SaveAtomically(model, runner.InputSchema, Path.Combine(outDir, "models", name + ".zip"));
                AtomicFile.WriteText(Path.Combine(outDir, "models", name + ".summary.json"), model.Summary.ToJson());
                Charts.TrainingCurves(model.Summary, Path.Combine(outDir, "charts", name + "-training.png"));
            }

            results.Add((result, evaluation));
            context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: test worst-group accuracy {result.WorstGroupAccuracy:0.000}, balanced {result.BalancedAccuracy:0.000} ({result.Seconds:0} s)"));
        }

        Charts.SubgroupAccuracy(results.Select(r => (r.Result.Cell.Name, r.Evaluation)).ToArray(), Path.Combine(outDir, "charts", "subgroup-accuracy.png"));
        string table = Table(results);
        context.Out.WriteLine();
        context.Out.WriteLine(table);
        AtomicFile.WriteText(Path.Combine(outDir, "report.md"), Report(results, table, datasetOptions, watch.Elapsed));
        foreach (var (result, _) in results)
        {
            ResultsTable.Append(Path.Combine(outDir, "results.csv"), result);
        }

        context.Out.WriteLine($"Report: {Path.Combine(outDir, "report.md")}; models in {Path.Combine(outDir, "models")}; {watch.Elapsed.TotalSeconds:0} s in all.");
        return 0;
    }

    private static string Table(List<(ExperimentResult Result, SubgroupEvaluation Evaluation)> results)
    {
        static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("| Strategy-method | Worst-group accuracy | 95% interval | Balanced accuracy | Accuracy | Validation worst-group |\n");
        sb.Append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach ((ExperimentResult r, SubgroupEvaluation e) in results)
        {
            sb.Append($"| {r.Cell.Name} | {F(r.WorstGroupAccuracy)} | [{F(e.WorstGroupInterval.Lower)}, {F(e.WorstGroupInterval.Upper)}] | {F(r.BalancedAccuracy)} | {F(r.Accuracy)} | {F(r.ValidationWorstGroupAccuracy)} |\n");
        }

        return sb.ToString();
    }

    private static string Report(List<(ExperimentResult Result, SubgroupEvaluation Evaluation)> results, string table, BenchmarkDatasetOptions data, TimeSpan elapsed)
    {
        var sb = new StringBuilder();
        sb.Append("# Ffr.MLNet demo\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Benchmark dataset: Fashion-MNIST garments (tshirt, trouser, sneaker, bag) on coloured backgrounds, bias rate {data.BiasRate}, ");
        sb.Append(CultureInfo.InvariantCulture, $"{data.MajorityPerClass} bias-aligned training images per class, synthetic signature {data.SyntheticCorruption} at severity {data.SyntheticSeverity}, seed {data.Seed}.\n");
        sb.Append("Small CNN, 32x32, default schedules (4 epochs; FFR: 4 epochs of pretraining, 2 of fine-tuning at 3e-5); the epoch kept by validation worst-group accuracy; test subgroups of equal size.\n\n");
        sb.Append(table).Append('\n');
        sb.Append("![Test accuracy by subgroup](charts/subgroup-accuracy.png)\n\n");
        foreach ((ExperimentResult r, SubgroupEvaluation e) in results)
        {
            sb.Append(CultureInfo.InvariantCulture, $"## {r.Cell.Name}\n\n```\n{e.ToTable()}\n```\n\n![Training curves](charts/{r.Cell.Name}-training.png)\n\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"Total time: {elapsed.TotalSeconds:0} s.\n");
        return sb.ToString();
    }
}
