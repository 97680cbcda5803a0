using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// A whole FFR + GroupDRO fit with the ImageNet-pretrained ResNet-18 and a frozen backbone at 224 x 224
/// (the benchmark dataset rendered at 224): about 1,000 real and 1,000 synthetic training images, with a
/// validation set of 500 or 2,000 images. Its wall time, and its peak resident memory (libtorch
/// included), which should not grow with the validation set: validation images are read in batches
/// and only their features are kept.
/// </summary>
[InProcessJob(RunStrategy.Monitoring, warmupCount: 0, iterationCount: 1)]
[Config(typeof(Columns))]
public class FrozenBackboneRunBenchmarks
{
    private MLContext _ml = null!;
    private IDataView _train = null!;
    private IDataView _validation = null!;
    private IDataView _pool = null!;
    private string _folder = null!;

    /// <summary>Validation images (spread over the 16 subgroups).</summary>
    [Params(500, 2000)]
    public int ValidationImages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("ffr-frozen-run-").FullName;
        BenchmarkDataset data = BenchmarkDataset.Create(new BenchmarkDatasetOptions
        {
            ImageSize = Smoke.Pick(224, 64),
            MajorityPerClass = Smoke.Pick(245, 10),
            SyntheticPerSubgroup = Smoke.Pick(63, 2),
            ValidationPerSubgroup = Smoke.Pick(ValidationImages / 16, 1),
            TestPerSubgroup = 1,
        });
        var manifest = ImageManifest.Load(data.WriteTo(_folder), new ManifestLoadOptions { VerifyImages = false });
        _ml = new MLContext(seed: 0);
        IDataView train = manifest.ToDataView(DataSplit.Train, SampleSource.Real);
        ITransformer key = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        _train = key.Transform(train);
        _validation = key.Transform(manifest.ToDataView(DataSplit.Val));
        _pool = key.Transform(manifest.ToDataView(DataSplit.Train, SampleSource.Synthetic));
    }

    [IterationSetup]
    public void ResetPeak() => PeakMemoryColumn.Reset();

    [IterationCleanup]
    public void RecordPeak() => PeakMemoryColumn.Record(PeakMemoryColumn.Key(nameof(FfrGroupDroFrozenBackbone224), $"ValidationImages={ValidationImages}"));

    [Benchmark]
    public double FfrGroupDroFrozenBackbone224()
    {
        var options = new FfrTrainerOptions
        {
            Strategy = SyntheticStrategy.Ffr, Method = TrainingMethod.GroupDro, Seed = 0,
            Architecture = NetworkArchitecture.ResNet18ImageNet, Freeze = FrozenLayers.Backbone, ImageSize = Smoke.Pick(224, 64),
            ImagesPerSubgroup = Smoke.Pick(63, 2), // 1,008 synthetic images in pretraining
        };
        using FfrImageClassificationTransformer model = _ml.MulticlassClassification.Trainers.Ffr(_pool, _validation, options).Fit(_train);
        return model.Summary.Phases[^1].BestValidationWorstGroupAccuracy;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new PeakMemoryColumn());
    }
}
