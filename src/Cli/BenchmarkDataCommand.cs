using System.CommandLine;
using Ffr.MLNet.Datasets;

namespace Ffr.MLNet.Cli;

/// <summary>ffr benchmark-data: writes the benchmark dataset and its manifest.</summary>
internal sealed class BenchmarkDataCommand : CliCommand
{
    private static readonly BenchmarkDatasetOptions Defaults = new();

    private readonly CliOption<string> _out = CliOptions.Required("--out", "The folder to write.", "-o");
    private readonly CliOption<double> _biasRate = BiasRate();
    private readonly CliOption<int> _severity = CliOptions.Int("--severity", "Synthetic signature severity, 0 (none) to 5 (strong).", Defaults.SyntheticSeverity, 0, 5);
    private readonly CliOption<int> _seed = CliOptions.Int("--seed", "Seed; the same seed writes the same bytes.", Defaults.Seed);
    private readonly CliOption<bool> _full = CliOptions.Flag("--full", "Draw garments from the full Fashion-MNIST (apt-get install dataset-fashion-mnist).");

    public BenchmarkDataCommand()
        : base("benchmark-data", "Write the benchmark dataset (Fashion-MNIST garments on coloured backgrounds) and its manifest.")
    {
        Add(_out);
        Add(_biasRate);
        Add(_severity);
        Add(_seed);
        Add(_full);
    }

    /// <summary>--bias-rate: the share of each class on its bias-aligned background, above 0.5 and below 1.</summary>
    public static CliOption<double> BiasRate() =>
        CliOptions.Number("--bias-rate", "Share of each class on its bias-aligned background.", Defaults.BiasRate, 0.5, 1, exclusive: true);

    /// <summary>--majority-per-class: the benchmark's bias-aligned training images per class.</summary>
    public static CliOption<int> MajorityPerClass() =>
        CliOptions.Int("--majority-per-class", "Bias-aligned training images per class (smaller is faster).", Defaults.MajorityPerClass, 1, 100_000);

    public override int Run(ParseResult args, CliContext context)
    {
        var data = BenchmarkDataset.Create(new BenchmarkDatasetOptions
        {
            BiasRate = args.GetValue(_biasRate),
            SyntheticSeverity = args.GetValue(_severity),
            Seed = args.GetValue(_seed),
            UseFullFashionMnist = args.GetValue(_full),
        });
        string manifest = data.WriteTo(args.Value(_out));
        context.Out.WriteLine($"Wrote {data.Train.Count} training, {data.Validation.Count} validation, {data.Test.Count} test and {data.SyntheticPool.Count} synthetic images; manifest {manifest}.");
        return 0;
    }
}
