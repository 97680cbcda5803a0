using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Batching;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// The trainer's time per training step (batching, normalisation, loss, its fused Adam) against the floor: a
/// bare TorchSharp loop (TorchSharp's Adam) on the same network, batch 64 of 3x32x32, with the tensors already in
/// memory. Goal: ratio at most 1.05 (issue 18). <c>RealEpoch</c> times one epoch on the benchmark dataset's
/// real training split (4,040 images, 64 steps), for epochs per minute.
/// </summary>
[InProcessJob(RunStrategy.Monitoring, warmupCount: 2, iterationCount: 5)]
public class TrainingStepBenchmarks
{
    private const int Steps = 16;
    private ImageNetwork _network = null!;
    private Adam _optimizer = null!;
    private Adam _trainerOptimizer = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private PhaseRunner _runner = null!;
    private PhasePlan _plan = null!;
    private NetworkInputs _batcher = null!;
    private PhasePlan _realPlan = null!;
    private NetworkInputs _realBatcher = null!;
    private Tensor _groupWeights = null!;

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        _network = ImageNetwork.Create(NetworkArchitecture.SmallCnn, 4);
        _optimizer = optim.Adam(_network.Module.parameters(), lr: 1e-3);
        _x = randn(64, 32, 32, 3).permute(0, 3, 1, 2); // laid out channels-last, as the trainer's batches are
        _y = randint(0, 4, new long[] { 64 });
        _groupWeights = ones(16) / 16;

        var random = new Random(0);
        ImageRow[] rows = Enumerable.Range(0, 64 * Steps).Select(i =>
        {
            var pixels = new byte[32 * 32 * 3];
            random.NextBytes(pixels);
            return new ImageRow { ImagePath = $"mem{i}", Label = "l", Attribute = "a", Image = new RgbImage(32, 32, pixels) };
        }).ToArray();
        var options = new FfrTrainerOptions();
        var clock = new TrainingClock();
        _runner = new PhaseRunner(_network, CPU, options, 0, 32, "bench", clock, new NullChannel(), new ImageMemory((long)options.ImageCacheMegabytes << 20)); // the default: images held after their first decode
        _plan = new PhasePlan("training", 0, new PhaseOptions(), new TrainingData(rows, rows.Select(_ => random.Next(4)).ToArray(), new int[rows.Length], 16), TrainingMethod.Erm, false);
        _batcher = _runner.Inputs(_plan);
        _trainerOptimizer = _runner.Optimizer(_plan); // the trainer's own (FusedAdam)

        BenchmarkDataset data = BenchmarkDataset.Create();
        string[] labels = BenchmarkDataset.Labels.ToArray();
        _realPlan = new PhasePlan("training", 0, new PhaseOptions(), new TrainingData(data.Train, data.Train.Select(r => Array.IndexOf(labels, r.Label)).ToArray(), new int[data.Train.Count], 16), TrainingMethod.Erm, false);
        _realBatcher = _runner.Inputs(_realPlan);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Steps)]
    public double BareTorchSharpStep()
    {
        _network.Train(false);
        double total = 0;
        for (int i = 0; i < Steps; i++)
        {
            using var scope = NewDisposeScope();
            Tensor loss = nn.functional.cross_entropy(_network.Forward(_x), _y);
            _optimizer.zero_grad();
            loss.backward();
            _optimizer.step();
            total += loss.item<float>();
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Steps)]
    public double TrainerStep() => _runner.TrainEpoch(_plan, _batcher, _trainerOptimizer, _groupWeights, 1, Steps);

    [Benchmark]
    public double RealEpoch() => _runner.TrainEpoch(_realPlan, _realBatcher, _trainerOptimizer, _groupWeights, 1, _realBatcher.BatchesPerEpoch);

    [GlobalCleanup]
    public void Cleanup()
    {
        _batcher.Dispose();
        _realBatcher.Dispose();
        _optimizer.Dispose();
        _trainerOptimizer.Dispose();
        _network.Dispose();
    }

    private sealed class NullChannel : IChannel
    {
        public string ContextDescription => "benchmark";

        public void Dispose()
        {
        }

        public void Error(MessageSensitivity sensitivity, string fmt)
        {
        }

        public void Error(MessageSensitivity sensitivity, string fmt, params object[] args)
        {
        }

        public TException Process<TException>(TException ex)
            where TException : Exception => ex;

        public void Send(ChannelMessage msg)
        {
        }

        public void Trace(MessageSensitivity sensitivity, string fmt)
        {
        }

        public void Trace(MessageSensitivity sensitivity, string fmt, params object[] args)
        {
        }

        public void Warning(MessageSensitivity sensitivity, string fmt)
        {
        }

        public void Warning(MessageSensitivity sensitivity, string fmt, params object[] args)
        {
        }

        public void Info(MessageSensitivity sensitivity, string fmt)
        {
        }

        public void Info(MessageSensitivity sensitivity, string fmt, params object[] args)
        {
        }
    }
}
