using Ffr.MLNet.Datasets;

namespace Ffr.MLNet.Cli;

/// <summary>ffr benchmark-data: writes the benchmark dataset and its manifest.</summary>
internal sealed class BenchmarkDataCommand : Command
{
    public override string Name => "benchmark-data";

    public override string Summary => "Write the benchmark dataset (Fashion-MNIST garments on coloured backgrounds) and its manifest.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("out", "The folder to write.", Required: true),
        new OptionSpec("bias-rate", "Share of each class on its bias-aligned background.", Default: "0.99"),
        new OptionSpec("severity", "Synthetic signature severity, 0 (none) to 5 (strong).", Default: "3"),
        new OptionSpec("seed", "Seed; the same seed writes the same bytes.", Default: "0"),
        new OptionSpec("full", "Draw garments from the full Fashion-MNIST (apt-get install dataset-fashion-mnist).", IsFlag: true),
    };

    public override int Run(Arguments args, CliContext context)
    {
        var data = BenchmarkDataset.Create(new BenchmarkDatasetOptions
        {
            BiasRate = args.Double("bias-rate", 0.99, 0.5, 1, exclusive: true),
            SyntheticSeverity = args.Int("severity", 3, 0, 5),
            Seed = args.Int("seed", 0),
            UseFullFashionMnist = args.Flag("full"),
        });
        string manifest = data.WriteTo(args.Required("out"));
        context.Out.WriteLine($"Wrote {data.Train.Count} training, {data.Validation.Count} validation, {data.Test.Count} test and {data.SyntheticPool.Count} synthetic images; manifest {manifest}.");
        return 0;
    }
}
