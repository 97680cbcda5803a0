using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// One Adam step over a network's parameters, gradients given (weight decay 1e-5, as the trainer's): TorchSharp's Adam
/// against the trainer's <see cref="FusedAdam"/>, which gives the same weights bit for bit (FusedAdamTests). The small
/// CNN (14 tensors, 24,000 parameters: the native calls count) and ResNet-18 (62 tensors, 11.2 million: the memory
/// passes count). Each optimizer steps its own copy of the network.
/// </summary>
[InProcessJob(RunStrategy.Monitoring, warmupCount: 3, iterationCount: 10)]
public class AdamStepBenchmarks
{
    private const int Steps = 10;
    private ImageNetwork _theirs = null!;
    private ImageNetwork _ours = null!;
    private Adam _torchSharp = null!;
    private FusedAdam _fused = null!;

    /// <summary>The network whose parameters are stepped.</summary>
    [Params("smallcnn", "resnet18")]
    public string Network { get; set; } = "smallcnn";

    [GlobalSetup]
    public void Setup()
    {
        NetworkArchitecture architecture = Network == "smallcnn" ? NetworkArchitecture.SmallCnn : NetworkArchitecture.ResNet18;
        torch.manual_seed(0);
        _theirs = ImageNetwork.Create(architecture, 4);
        torch.manual_seed(0);
        _ours = ImageNetwork.Create(architecture, 4);
        var random = new Generator(1);
        using (NewDisposeScope()) // the gradients stay with the parameters; the handles made here go
        {
            foreach ((Parameter a, Parameter b) in _theirs.Module.parameters().Zip(_ours.Module.parameters()))
            {
                Tensor g = randn(a.shape, generator: random) * 1e-3;
                a.grad = g;
                b.grad = g.clone();
            }
        }

        _torchSharp = optim.Adam(_theirs.Module.parameters(), lr: 1e-3, weight_decay: 1e-5);
        _fused = new FusedAdam(_ours.Module.parameters(), lr: 1e-3, weightDecay: 1e-5);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps)]
    public void TorchSharpAdam()
    {
        for (int i = 0; i < Steps; i++)
        {
            _torchSharp.step();
        }
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public void FusedAdamStep()
    {
        for (int i = 0; i < Steps; i++)
        {
            _fused.step();
        }

        if (!_fused.LastStepFused)
        {
            throw new InvalidOperationException("FusedAdam took TorchSharp's step: the benchmark would measure the wrong thing.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _torchSharp.Dispose();
        _fused.Dispose();
        _theirs.Dispose();
        _ours.Dispose();
    }
}
