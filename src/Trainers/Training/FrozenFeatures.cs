using Ffr.MLNet.Batching;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// With a frozen backbone: the penultimate features of the validation images and of every phase's
/// training images, computed once per run (or taken from a <see cref="FeatureCache"/>), in batches in
/// evaluation mode, so that every phase and method trains the head on them.
/// </summary>
internal sealed class FrozenFeatures
{
    public const string PhaseName = "features";

    private readonly ImageNetwork _network;
    private readonly Device _device;
    private readonly FfrTrainerOptions _options;
    private readonly Func<IReadOnlyList<ImageRow>, ImageBatcher> _scoringBatcher;
    private readonly FeatureCache _cache;
    private readonly string _networkKey;

    public FrozenFeatures(ImageNetwork network, Device device, FfrTrainerOptions options, int imageSize, Func<IReadOnlyList<ImageRow>, ImageBatcher> scoringBatcher)
    {
        _network = network;
        _device = device;
        _options = options;
        _scoringBatcher = scoringBatcher;
        _cache = options.FeatureCache ?? new FeatureCache();
        (float[] mean, float[] std) = options.Architecture.InputNormalization(options.Mean, options.Std);
        string weights = options.InitialWeightsPath is string path && File.Exists(path)
            ? FormattableString.Invariant($"{Path.GetFullPath(path)}@{File.GetLastWriteTimeUtc(path).Ticks}:{new FileInfo(path).Length}")
            : string.Empty;
        _networkKey = string.Join('|', options.Architecture, imageSize, string.Join(',', mean), string.Join(',', std), weights);
    }

    /// <summary>Images whose features were computed (not found in the cache) so far.</summary>
    public int Computed { get; private set; }

    /// <summary>Replaces the validation images by their features and gives every plan its rows' features.</summary>
    public List<NetworkInputs> Prepare(ValidationData validation, IReadOnlyList<ImageRow> validationRows, List<PhasePlan> plans, PhaseRunner runner, TrainingClock clock)
    {
        int sets = plans.Count + 1;
        void Report(int set, string what, int batch, int batches) =>
            _options.Progress?.Report(new TrainingProgress(PhaseName, set, sets, batch, batches, double.NaN, null, null, clock.Elapsed, TimeSpan.Zero) { Detail = what });

        validation.Replace(NetworkInputs.FromFeatures(Of(validationRows, (b, n) => Report(1, "validation images", b, n)), NetworkInputs.ScoringBatchSize, null));
        var created = new List<NetworkInputs>();
        for (int i = 0; i < plans.Count; i++)
        {
            PhasePlan plan = plans[i];
            int set = i + 2;
            Tensor features = Of(plan.Data.Rows, (b, n) => Report(set, plan.Name + " images", b, n));
            NetworkInputs inputs = NetworkInputs.FromFeatures(features, plan.Schedule.BatchSize, runner.Batcher(plan).Order);
            created.Add(inputs);
            plans[i] = plan with { Features = inputs };
        }

        return created;
    }

    /// <summary>The features [N, F] of <paramref name="rows"/> on the device: from the cache, the rest computed in batches and added to it.</summary>
    private Tensor Of(IReadOnlyList<ImageRow> rows, Action<int, int> onBatch)
    {
        int size = _network.FeatureSize;
        var values = new float[(long)rows.Count * size];
        var missing = new List<int>();
        for (int i = 0; i < rows.Count; i++)
        {
            if (_cache.TryGet(_networkKey, rows[i], out float[] cached))
            {
                cached.CopyTo(values, (long)i * size);
            }
            else
            {
                missing.Add(i);
            }
        }

        if (missing.Count > 0)
        {
            using var scope = NewDisposeScope();
            Tensor computed = NetworkInputs.ComputeFeatures(_network, NetworkInputs.Decoded(_scoringBatcher(missing.Select(i => rows[i]).ToArray())), _device, _options.CancellationToken, onBatch);
            float[] flat = computed.cpu().data<float>().ToArray();
            for (int m = 0; m < missing.Count; m++)
            {
                float[] vector = flat.AsSpan(m * size, size).ToArray();
                vector.CopyTo(values, (long)missing[m] * size);
                _cache.Add(_networkKey, rows[missing[m]], vector);
            }

            Computed += missing.Count;
        }

        using (NewDisposeScope())
        {
            return tensor(values, new long[] { rows.Count, size }).to(_device).MoveToOuterDisposeScope();
        }
    }
}
