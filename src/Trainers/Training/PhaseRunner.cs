// Over 250 lines: one phase's epochs, steps, validation, early stopping and checkpoints share the phase's state.
using System.Diagnostics;
using Ffr.MLNet.Batching;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Images;
using Ffr.MLNet.Networks;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// Runs one training phase: epochs of Adam steps (ERM, Resample or GroupDRO), validation after each
/// epoch, the best epoch by validation worst-group accuracy kept, early stopping, checkpoints and
/// resuming. One dispose scope per step; evaluation under no_grad in eval mode.
/// </summary>
internal sealed class PhaseRunner
{
    private readonly ImageNetwork _network;
    private readonly Device _device;
    private readonly FfrTrainerOptions _options;
    private readonly int _seed;
    private readonly int _imageSize;
    private readonly string _fingerprint;
    private readonly TrainingClock _clock;
    private readonly IChannel _log;
    private readonly (float[] Mean, float[] Std) _normalization;
    private readonly ImageMemory _memory;
    private readonly DecodedImages? _decoded;

    public PhaseRunner(ImageNetwork network, Device device, FfrTrainerOptions options, int seed, int imageSize, string fingerprint, TrainingClock clock, IChannel log, ImageMemory memory, DecodedImages? decoded = null)
    {
        _decoded = decoded;
        _memory = memory;
        _network = network;
        _device = device;
        _options = options;
        _seed = seed;
        _imageSize = imageSize;
        _fingerprint = fingerprint;
        _clock = clock;
        _log = log;
        _normalization = network.Architecture.InputNormalization(options.Mean, options.Std);
    }

    /// <summary>What the phase trains on: its cached features (owned by the plan), or its images, held when the image memory has room (the caller disposes them).</summary>
    public NetworkInputs Inputs(PhasePlan plan) => plan.Features ?? NetworkInputs.Images(Batcher(plan), _memory, _options.CancellationToken);

    /// <summary>Steps in one epoch of the phase.</summary>
    public int BatchesPerEpoch(PhasePlan plan) => plan.Features?.BatchesPerEpoch ?? Batcher(plan).BatchesPerEpoch;

    /// <summary>The phase's training images: shuffled per epoch, flipped when asked, normalised for the architecture.</summary>
    public ImageBatcher Batcher(PhasePlan plan) => new(plan.Data.Rows, new ImageBatcherOptions
    {
        BatchSize = plan.Schedule.BatchSize,
        ImageSize = _options.ImageSize, // null: every image must have the first one's size
        Mean = _normalization.Mean,
        Std = _normalization.Std,
        Shuffle = true,
        HorizontalFlip = _options.HorizontalFlip,
        Seed = StableSeed.Combine(_seed, plan.Index),

        // No background prefetch while training. TorchSharp 0.107 passes temporary Scalars (such as
        // the 1 in BatchNorm's num_batches_tracked.add_(1), or Adam's coefficients) to native code by
        // raw handle without keeping them alive; a garbage collection started by another thread's
        // allocations during that native call can finalize the Scalar under it (seen here as
        // "alpha must not be a floating point number" and dtype errors mid-training). Decoding
        // between steps, in parallel within the batch, lets a collection start only while the
        // training thread is in managed code. It costs little: see TrainingStepBenchmarks.
        PrefetchBatches = 0,
    }, _decoded);

    /// <summary>The phase's optimizer: Adam over the trainable parameters with the phase's learning rate and weight decay, fused on the CPU.</summary>
    public Adam Optimizer(PhasePlan plan) => new FusedAdam(_network.TrainableParameters(), plan.Schedule.LearningRate, plan.Schedule.WeightDecay);

    /// <summary>Runs the phase; on return the network holds the best epoch's weights.</summary>
    public PhaseSummary Run(PhasePlan plan, ValidationData validation, TrainingSummary summary, PhaseState? resume)
    {
        var watch = Stopwatch.StartNew();
        NetworkInputs inputs = Inputs(plan);
        using NetworkInputs? images = plan.Features is null ? inputs : null;
        double decodeSeconds = watch.Elapsed.TotalSeconds;
        using Adam optimizer = Optimizer(plan);
        var state = new PhaseState { Phase = plan.Index, Summary = summary };
        PhaseSummary phase = summary.Phases.FirstOrDefault(p => p.Name == plan.Name) ?? new PhaseSummary { Name = plan.Name, Rows = plan.Data.Rows.Count };
        if (!summary.Phases.Contains(phase))
        {
            summary.Phases.Add(phase);
        }

        Dictionary<string, Tensor>? best = null;
        using Tensor groupWeights = full(plan.Data.GroupCount, 1.0 / plan.Data.GroupCount, ScalarType.Float32, _device).DetachFromDisposeScope();
        if (resume is not null && resume.Phase == plan.Index && _options.CheckpointDirectory is string directory)
        {
            best = Checkpoint.Restore(directory, _fingerprint, _network, optimizer);
            state.EpochsDone = resume.EpochsDone;
            state.BestMetric = resume.BestMetric;
            state.BestEpoch = resume.BestEpoch;
            state.SinceBest = resume.SinceBest;
            if (resume.GroupWeights.Length == plan.Data.GroupCount)
            {
                using (NewDisposeScope())
                {
                    groupWeights.copy_(tensor(resume.GroupWeights.Select(q => (float)q).ToArray()).to(_device));
                }
            }

            _log.Info(MessageSensitivity.None, $"Resuming {plan.Name} after epoch {state.EpochsDone} from {Checkpoint.PathIn(directory)}.");
        }

        int steps = inputs.BatchesPerEpoch;
        try
        {
            for (int epoch = state.EpochsDone + 1; epoch <= plan.Schedule.Epochs; epoch++)
            {
                if (plan.Schedule.Patience is int patience && state.SinceBest >= patience)
                {
                    phase.StoppedEarly = true;
                    break;
                }

                var epochWatch = Stopwatch.StartNew();
                double loss = TrainEpoch(plan, inputs, optimizer, groupWeights, epoch, steps);
                double stepSeconds = epochWatch.Elapsed.TotalSeconds;
                GroupAccuracies metrics = Evaluate(validation);
                phase.StepSeconds += stepSeconds;
                phase.ValidationSeconds += epochWatch.Elapsed.TotalSeconds - stepSeconds;
                if (metrics.WorstGroup > state.BestMetric)
                {
                    DisposeAll(best);
                    best = _network.Snapshot();
                    state.BestMetric = metrics.WorstGroup;
                    state.BestEpoch = epoch;
                    state.SinceBest = 0;
                }
                else
                {
                    state.SinceBest++;
                }

                state.EpochsDone = epoch;
                phase.Epochs.Add(new EpochSummary(epoch, loss, metrics.WorstGroup, metrics.Balanced, metrics.Accuracy, epochWatch.Elapsed.TotalSeconds));
                phase.BestEpoch = state.BestEpoch;
                phase.BestValidationWorstGroupAccuracy = state.BestMetric;
                _options.Progress?.Report(new TrainingProgress(plan.Name, epoch, plan.Schedule.Epochs, steps, steps, loss, metrics.WorstGroup, metrics.Balanced, _clock.Elapsed, _clock.Remaining));
                _log.Info(MessageSensitivity.None, FormattableString.Invariant(
                    $"{plan.Name} epoch {epoch}/{plan.Schedule.Epochs}: loss {loss:0.0000}, validation worst-group {metrics.WorstGroup:0.000}, balanced {metrics.Balanced:0.000} ({epochWatch.Elapsed.TotalSeconds:0.0} s)"));

                if (_options.CheckpointDirectory is string dir)
                {
                    using (no_grad())
                    {
                        state.GroupWeights = groupWeights.cpu().data<float>().Select(q => (double)q).ToArray();
                    }

                    Checkpoint.Write(dir, _fingerprint, state, _network, optimizer, best);
                }
            }

            if (best is not null)
            {
                _network.Restore(best);
            }
        }
        finally
        {
            DisposeAll(best);
        }

        phase.Seconds += watch.Elapsed.TotalSeconds;
        phase.DecodeSeconds += decodeSeconds;
        return phase;
    }

    internal double TrainEpoch(PhasePlan plan, NetworkInputs inputs, Adam optimizer, Tensor groupWeights, int epoch, int steps)
    {
        _network.Train(plan.FreezeBatchNorm);
        int[] order = plan.Method == TrainingMethod.Resample ? ResampledOrder(plan, epoch) : inputs.Order(epoch);
        double total = 0;
        int step = 0;
        foreach ((Tensor batch, int[] rows) in inputs.Read(epoch, order, _options.CancellationToken))
        {
            using (batch)
            using (NewDisposeScope())
            {
                Tensor x = batch.to(_device);
                Tensor y = tensor(rows.Select(r => (long)plan.Data.Labels[r]).ToArray()).to(_device);
                Tensor logits = inputs.Logits(_network, x);
                Tensor loss = plan.Method == TrainingMethod.GroupDro
                    ? GroupDroLoss(logits, y, rows, plan.Data, groupWeights)
                    : nn.functional.cross_entropy(logits, y);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                double value = loss.item<float>();
                total += value;
                step++;
                _clock.Step();
                _options.Progress?.Report(new TrainingProgress(plan.Name, epoch, plan.Schedule.Epochs, step, steps, value, null, null, _clock.Elapsed, _clock.Remaining));
            }

            _options.CancellationToken.ThrowIfCancellationRequested();
        }

        return step == 0 ? double.NaN : total / step;
    }

    /// <summary>Per-group mean losses; q_g &lt;- q_g exp(eta loss_g), renormalised; loss = sum q_g loss_g.</summary>
    private Tensor GroupDroLoss(Tensor logits, Tensor y, int[] rows, TrainingData data, Tensor groupWeights)
    {
        Tensor perRow = nn.functional.cross_entropy(logits, y, reduction: nn.Reduction.None);
        Tensor groups = tensor(rows.Select(r => (long)data.Groups[r]).ToArray()).to(_device);
        Tensor oneHot = nn.functional.one_hot(groups, data.GroupCount).to(ScalarType.Float32);
        Tensor counts = oneHot.sum(dim: 0);
        Tensor groupLoss = (oneHot * perRow.unsqueeze(1)).sum(dim: 0) / counts.clamp_min(1);
        using (no_grad())
        {
            groupWeights.mul_((groupLoss.detach() * _options.GroupDroStepSize).exp());
            groupWeights.div_(groupWeights.sum());
        }

        return (groupWeights * groupLoss).sum();
    }

    /// <summary>An epoch of as many rows as the data, drawn with replacement with weight 1 / (size of the row's group).</summary>
    private int[] ResampledOrder(PhasePlan plan, int epoch)
    {
        int[] groups = plan.Data.Groups;
        var counts = new int[plan.Data.GroupCount];
        foreach (int g in groups)
        {
            counts[g]++;
        }

        var cumulative = new double[groups.Length];
        double sum = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            sum += 1.0 / counts[groups[i]];
            cumulative[i] = sum;
        }

        var random = new Random(StableSeed.Combine(_seed, plan.Index, epoch, 0x7E5A));
        var order = new int[groups.Length];
        for (int i = 0; i < order.Length; i++)
        {
            int index = Array.BinarySearch(cumulative, random.NextDouble() * sum);
            order[i] = Math.Min(index < 0 ? ~index : index, groups.Length - 1);
        }

        return order;
    }

    /// <summary>Validation accuracies per (label x attribute) group, under no_grad in eval mode.</summary>
    public GroupAccuracies Evaluate(ValidationData validation) => validation.Accuracies(_network, _device, _options.CancellationToken);

    private static void DisposeAll(Dictionary<string, Tensor>? tensors)
    {
        if (tensors is null)
        {
            return;
        }

        foreach (Tensor t in tensors.Values)
        {
            t.Dispose();
        }
    }
}
