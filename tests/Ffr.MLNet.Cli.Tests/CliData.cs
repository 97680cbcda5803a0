using Ffr.MLNet.Cli;
using Ffr.MLNet.Datasets;

namespace Ffr.MLNet.Cli.Tests;

/// <summary>Small benchmark data written once, shared by the command tests.</summary>
public sealed class CliData : IDisposable
{
    public CliData()
    {
        Folder = Directory.CreateTempSubdirectory("ffr-cli-").FullName;
        var (code, output, error) = Ffr.Run("benchmark-data", "--out", Path.Combine(Folder, "data"), "--bias-rate", "0.95", "--seed", "2");
        Assert.True(code == 0, error);
        Assert.StartsWith("Wrote 4212 training, 320 validation, 800 test and 16000 synthetic images", output);
        Manifest = Path.Combine(Folder, "data", "manifest.csv");

        // A smaller manifest for training: 60 bias-aligned images per class.
        SmallFolder = Path.Combine(Folder, "small");
        var data = BenchmarkDataset.Create(new BenchmarkDatasetOptions
        {
            MajorityPerClass = 60, BiasRate = 0.95, ValidationPerSubgroup = 4, TestPerSubgroup = 5, SyntheticPerSubgroup = 60, Seed = 3,
        });
        SmallManifest = data.WriteTo(SmallFolder);
        _model = new Lazy<string>(() =>
        {
            string model = Path.Combine(Folder, "trained", "model.zip");
            var train = Ffr.Run("train", "--manifest", SmallManifest, "--strategy", "none", "--model-out", model, "--epochs", "1", "--checkpoint-dir", CheckpointFolder);
            Assert.True(train.Code == 0, train.Error);
            return model;
        });
    }

    private readonly Lazy<string> _model;

    /// <summary>A small model (None-ERM, one epoch) trained on <see cref="SmallManifest"/> once, for the tests that read a model.</summary>
    public string Model => _model.Value;

    /// <summary>The checkpoint folder of that training (<c>train --strategy none --epochs 1 --checkpoint-dir</c>).</summary>
    public string CheckpointFolder => Path.Combine(Folder, "trained", "checkpoints");

    public string Folder { get; }

    public string Manifest { get; }

    public string SmallFolder { get; }

    public string SmallManifest { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection : ICollectionFixture<CliData>
{
    public const string Name = "ffr command line";
}

internal static class Ffr
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, new CliContext(output, error, Interactive: false, CancellationToken.None));
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>The command line fails with exit code <paramref name="code"/> and one message that starts with <paramref name="message"/>, no stack trace.</summary>
    public static void AssertFails(string[] args, int code, string message)
    {
        var (exit, _, error) = Run(args);
        Assert.Equal(code, exit);
        Assert.StartsWith(message, error);
        Assert.DoesNotContain("   at ", error);
    }
}
