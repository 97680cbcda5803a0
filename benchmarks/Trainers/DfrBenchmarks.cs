using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Training;
using static TorchSharp.torch;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// DFR's last-layer search (issue 18): every default strength C (7) times 10 group-balanced subsets, 1,000
/// proximal-gradient iterations each, on the shape of the benchmark dataset's validation set (320 images,
/// 4 classes x 4 attributes, 20 per subgroup; the search uses half of each subgroup, 160 rows a subset).
/// Features are the small CNN's 64 or ResNet-18's 512, standardised, with a class signal so the problems
/// are not trivial. The features are computed once in the setup: only the solver is timed.
/// </summary>
[InProcessJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 5)]
public class DfrBenchmarks
{
    private const int Classes = 4;
    private const int Attributes = 4;
    private const int PerSubgroup = 20;
    private Tensor _z = null!;
    private int[] _labels = null!;
    private int[] _groups = null!;
    private List<int> _firstHalf = null!;

    /// <summary>The penultimate feature size: the small CNN's or ResNet-18's.</summary>
    [Params(64, 512)]
    public int Features { get; set; } = 64;

    [GlobalSetup]
    public void Setup()
    {
        int rows = Classes * Attributes * PerSubgroup;
        _labels = Enumerable.Range(0, rows).Select(i => i / (Attributes * PerSubgroup)).ToArray();
        _groups = Enumerable.Range(0, rows).Select(i => i / PerSubgroup).ToArray();
        _firstHalf = Enumerable.Range(0, rows).Where(i => i % PerSubgroup < PerSubgroup / 2).ToList();
        using (NewDisposeScope())
        {
            using var random = new TorchSharp.torch.Generator(7);
            Tensor centres = randn(new long[] { Classes, Features }, ScalarType.Float64, generator: random);
            Tensor features = randn(new long[] { rows, Features }, ScalarType.Float64, generator: random) * 2 + centres.index_select(0, tensor(_labels.Select(l => (long)l).ToArray()));
            _z = ((features - features.mean(new long[] { 0 })) / features.std(0)).MoveToOuterDisposeScope();
        }
    }

    /// <summary>The search: all strengths and subsets, as <c>Dfr</c> runs it before choosing C.</summary>
    [Benchmark]
    public void LastLayerSearch()
    {
        using var scope = NewDisposeScope();
        Dfr.FitAveraged(_z, _labels, _groups, _firstHalf, Classes, FfrTrainerDefaults.DfrRegularization, FfrTrainerDefaults.DfrSubsets, 1, out _, _ => { });
    }

    [GlobalCleanup]
    public void Cleanup() => _z.Dispose();
}
