using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Onnx;
using Ffr.MLNet.Training;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// Scoring the small CNN on 32x32 PNG files: the ONNX-backed ML.NET model (latency through a
/// PredictionEngine at batch 1; throughput of Transform over 64 rows) against TorchSharp's own
/// evaluation forward (decode, normalise, forward under no_grad) at batch 1 and 64.
/// </summary>
[InProcessJob(RunStrategy.Throughput, warmupCount: 2, iterationCount: 8)]
public class ScoringBenchmarks
{
    private const int Batch = 64;
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    private static readonly float[] Std = { 0.229f, 0.224f, 0.225f };
    private ImageNetwork _network = null!;
    private MLContext _ml = null!;
    private PredictionEngine<Input, Output> _engine = null!;
    private ITransformer _model = null!;
    private IDataView _batch = null!;
    private string[] _paths = null!;
    private string _folder = null!;

    public sealed class Input
    {
        public string ImagePath { get; set; } = string.Empty;
    }

    public sealed class Output
    {
        public float[] Score { get; set; } = Array.Empty<float>();

        public string PredictedLabel { get; set; } = string.Empty;
    }

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _network = ImageNetwork.Create(NetworkArchitecture.SmallCnn, 4);
        _network.Eval();
        _folder = Directory.CreateTempSubdirectory("ffr-scoring-").FullName;
        BenchmarkDataset data = BenchmarkDataset.Create(new BenchmarkDatasetOptions { MajorityPerClass = 20, ValidationPerSubgroup = 1, TestPerSubgroup = 4, SyntheticPerSubgroup = 1 });
        string manifest = data.WriteTo(_folder);
        _paths = ImageManifest.Load(manifest).Select(DataSplit.Test).Take(Batch).Select(r => r.ImagePath).ToArray();

        _ml = new MLContext(seed: 0);
        IDataView schema = _ml.Data.LoadFromEnumerable(_paths.Select(p => new Input { ImagePath = p }).ToList());
        byte[] onnx = OnnxExport.Export(_network, 32, 32, Mean, Std);
        _model = ScoringPipeline.Build(_ml, schema, onnx, "ImagePath", isPath: true, 32, BenchmarkDataset.Labels);
        _engine = _ml.Model.CreatePredictionEngine<Input, Output>(_model);
        _batch = schema;
    }

    [Benchmark]
    public float OnnxPredictionEngineBatch1() => _engine.Predict(new Input { ImagePath = _paths[0] }).Score[0];

    [Benchmark(OperationsPerInvoke = Batch)]
    public float OnnxTransformBatch64()
    {
        float sum = 0;
        foreach (Output o in _ml.Data.CreateEnumerable<Output>(_model.Transform(_batch), reuseRowObject: true))
        {
            sum += o.Score[0];
        }

        return sum;
    }

    [Benchmark]
    public float TorchSharpBatch1() => Forward(1);

    [Benchmark(OperationsPerInvoke = Batch)]
    public float TorchSharpBatch64() => Forward(Batch);

    private float Forward(int n)
    {
        var pixels = new float[n * 3 * 32 * 32];
        for (int i = 0; i < n; i++)
        {
            RgbImage.Load(_paths[i]).WriteChw(pixels.AsSpan(i * 3 * 32 * 32, 3 * 32 * 32), Mean, Std);
        }

        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor scores = nn.functional.softmax(_network.Forward(tensor(pixels).reshape(n, 3, 32, 32)), 1);
        return scores[0, 0].item<float>();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _network.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
