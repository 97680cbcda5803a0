using Ffr.MLNet.Datasets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Trainers.Tests;

/// <summary>A small benchmark dataset written once as PNG files plus a manifest, shared by the trainer tests.</summary>
public sealed class BenchmarkData : IDisposable
{
    public BenchmarkData()
    {
        Folder = Directory.CreateTempSubdirectory("ffr-trainer-data-").FullName;
        Dataset = BenchmarkDataset.Create(new BenchmarkDatasetOptions
        {
            MajorityPerClass = 150, BiasRate = 0.95, ValidationPerSubgroup = 6, TestPerSubgroup = 10, SyntheticPerSubgroup = 150, Seed = 1,
        });
        ManifestPath = Dataset.WriteTo(Folder);
        Manifest = ImageManifest.Load(ManifestPath, new ManifestLoadOptions { VerifyImages = false });
    }

    public string Folder { get; }

    public string ManifestPath { get; }

    public BenchmarkDataset Dataset { get; }

    public ImageManifest Manifest { get; }

    /// <summary>Train, validation, test and pool views with Label mapped to a key fitted on the training data.</summary>
    public (IDataView Train, IDataView Validation, IDataView Test, IDataView Pool, ITransformer LabelKey) Views(MLContext ml)
    {
        IDataView train = Manifest.ToDataView(DataSplit.Train, SampleSource.Real);
        ITransformer key = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        return (key.Transform(train), key.Transform(Manifest.ToDataView(DataSplit.Val)), key.Transform(Manifest.ToDataView(DataSplit.Test)),
            key.Transform(Manifest.ToDataView(DataSplit.Train, SampleSource.Synthetic)), key);
    }

    /// <summary>Trainer options for quick tests: every phase <paramref name="epochs"/> long.</summary>
    public static FfrTrainerOptions Quick(SyntheticStrategy strategy, TrainingMethod method = TrainingMethod.Erm, int epochs = 1, int seed = 1) => new()
    {
        Strategy = strategy,
        Method = method,
        Seed = seed,
        Pretraining = new PhaseOptions { Epochs = epochs },
        FineTuning = new PhaseOptions { Epochs = epochs },
        Training = new PhaseOptions { Epochs = epochs },
    };

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BenchmarkDataCollection : ICollectionFixture<BenchmarkData>
{
    public const string Name = "libtorch with benchmark data";
}
