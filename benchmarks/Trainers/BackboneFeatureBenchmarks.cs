using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// Penultimate features of the ImageNet-pretrained ResNet-18 for 32 images of 224 x 224: the imported
/// TorchSharp module (one batch of 32, under no_grad in evaluation mode) against ONNX Runtime on the
/// package's original file (its input is fixed at batch 1: 32 runs, preprocessing model included) and
/// on the network as this project exports it (one batch of 32, preprocessing inside). Images per second
/// = 32 / Mean.
/// </summary>
[InProcessJob(RunStrategy.Throughput, warmupCount: 1, iterationCount: 5)]
public class BackboneFeatureBenchmarks
{
    private const int Batch = 32;
    private const int Size = ImageNetResNet18.NativeSize;
    private ImageNetwork _network = null!;
    private Tensor _images = null!;
    private float[] _pixels = null!;
    private InferenceSession _preprocessing = null!;
    private InferenceSession _original = null!;
    private InferenceSession _exported = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _network = ImageNetwork.Create(NetworkArchitecture.ResNet18ImageNet, 2, Size);
        _network.Eval();
        var random = new Random(0);
        _pixels = Enumerable.Range(0, Batch * 3 * Size * Size).Select(_ => (float)random.Next(256)).ToArray();
        _images = tensor(_pixels).reshape(Batch, 3, Size, Size);
        string folder = PretrainedResNet18File.Locate();
        _preprocessing = new InferenceSession(Path.Combine(folder, PretrainedResNet18File.PreprocessingFile));
        _original = new InferenceSession(Path.Combine(folder, PretrainedResNet18File.NetworkFile));
        (float[] mean, float[] std) = NetworkArchitecture.ResNet18ImageNet.InputNormalization(new float[3], new float[] { 1, 1, 1 });
        _exported = new InferenceSession(OnnxExport.Export(_network, Size, Size, mean, std));
    }

    [Benchmark(Baseline = true)]
    public float TorchSharpBatch32()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return _network.Features(_images).sum().item<float>();
    }

    [Benchmark]
    public float OnnxRuntimeOriginalFile32xBatch1()
    {
        float sum = 0;
        for (int i = 0; i < Batch; i++)
        {
            var input = new DenseTensor(_pixels.AsMemory(i * 3 * Size * Size, 3 * Size * Size), new[] { 1, 3, Size, Size });
            using var prepared = _preprocessing.Run(new[] { NamedOnnxValue.CreateFromTensor(_preprocessing.InputMetadata.Keys.Single(), input) });
            using var features = _original.Run(new[] { NamedOnnxValue.CreateFromTensor(_original.InputMetadata.Keys.Single(), prepared.Single().AsTensor<float>().ToDenseTensor()) });
            sum += features.Single().AsEnumerable<float>().First();
        }

        return sum;
    }

    [Benchmark]
    public float OnnxRuntimeExportedBatch32()
    {
        var input = new DenseTensor(_pixels, new[] { Batch, 3 * Size * Size });
        using var results = _exported.Run(new[] { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input) });
        return results.First(r => r.Name == OnnxExport.ScoreName).AsEnumerable<float>().First();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _images.Dispose();
        _network.Dispose();
        _preprocessing.Dispose();
        _original.Dispose();
        _exported.Dispose();
    }
}
