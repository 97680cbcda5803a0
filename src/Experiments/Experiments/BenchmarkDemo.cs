using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Experiments;

/// <summary>Options of <see cref="BenchmarkDemo.Run"/>.</summary>
public sealed class BenchmarkDemoOptions
{
    /// <summary>The seed of the dataset and the trainings.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>Bias-aligned training images per class (smaller is faster).</summary>
    /// <value>The default value is 1000.</value>
    public int MajorityPerClass { get; set; } = 1000;

    /// <summary>Makes the trainer options of one cell (schedule, progress, cancellation); null trains with the defaults.</summary>
    /// <value>The default value is null.</value>
    public Func<ExperimentCell, FfrTrainerOptions>? TrainerOptions { get; set; }

    /// <summary>Receives the demo's progress: the dataset written, its subgroup table, each cell done; null for none.</summary>
    /// <value>The default value is null.</value>
    public Action<string>? Log { get; set; }
}

/// <summary>
/// The README's main job (<c>ffr demo</c>): the benchmark dataset at bias rate 0.99 written under data/, then
/// None-ERM, USB-ERM, ASB-ERM, FFR-ERM and FFR-GroupDRO compared on it (<see cref="Comparison"/>), from scratch,
/// with its report.md.
/// </summary>
public static class BenchmarkDemo
{
    /// <summary>The demo's bias rate.</summary>
    public const double BiasRate = 0.99;

    /// <summary>The strategy-methods the demo compares.</summary>
    public static IReadOnlyList<(SyntheticStrategy Strategy, TrainingMethod Method)> Runs { get; } = new[]
    {
        (SyntheticStrategy.None, TrainingMethod.Erm), (SyntheticStrategy.Usb, TrainingMethod.Erm), (SyntheticStrategy.Asb, TrainingMethod.Erm),
        (SyntheticStrategy.Ffr, TrainingMethod.Erm), (SyntheticStrategy.Ffr, TrainingMethod.GroupDro),
    };

    /// <summary>Writes the dataset into <paramref name="outputFolder"/>/data, runs the comparison there and writes its report.</summary>
    public static ComparisonReport Run(MLContext mlContext, string outputFolder, BenchmarkDemoOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(outputFolder);
        options ??= new BenchmarkDemoOptions();
        var data = new BenchmarkDatasetOptions { BiasRate = BiasRate, Seed = options.Seed, MajorityPerClass = options.MajorityPerClass };
        string dataFolder = Path.Combine(outputFolder, "data");
        options.Log?.Invoke($"Writing the benchmark dataset (bias rate {BiasRate}, synthetic signature severity {data.SyntheticSeverity}) to {dataFolder} ...");
        string manifest = BenchmarkDataset.Create(data).WriteTo(dataFolder);
        var runner = new ExperimentRunner(mlContext, ImageManifest.Load(manifest, new ManifestLoadOptions { VerifyImages = false }));
        options.Log?.Invoke(runner.TrainingReport.ToTable());
        options.Log?.Invoke(string.Empty);
        return Comparison.Run(runner, outputFolder, new ComparisonOptions
        {
            Runs = Runs,
            Seeds = new[] { options.Seed },
            TrainerOptions = options.TrainerOptions,
            Resume = false,
            BiasRate = BiasRate,
            Severity = data.SyntheticSeverity,
            Title = "Ffr.MLNet demo",
            Description = Description(data),
            Log = options.Log,
        });
    }

    private static string Description(BenchmarkDatasetOptions data) =>
        string.Create(CultureInfo.InvariantCulture, $"Benchmark dataset: Fashion-MNIST garments (tshirt, trouser, sneaker, bag) on coloured backgrounds, bias rate {data.BiasRate}, ")
        + string.Create(CultureInfo.InvariantCulture, $"{data.MajorityPerClass} bias-aligned training images per class, synthetic signature {data.SyntheticCorruption} at severity {data.SyntheticSeverity}, seed {data.Seed}.\n")
        + "Small CNN, 32x32, default schedules (4 epochs; FFR: 4 epochs of pretraining, 2 of fine-tuning at 3e-5); the epoch kept by validation worst-group accuracy; test subgroups of equal size.";
}
