using System.Diagnostics;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Composition;
using Ffr.MLNet.IO;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// Trains an image classifier the From-Fake-to-Real way, or with a baseline: composes the training
/// data of the strategy (None, USB, ASB, FFR) from the real training data and the synthetic pool,
/// trains a TorchSharp network with the method (ERM, Resample, GroupDRO, DFR), keeps the epoch with
/// the best validation worst-group accuracy, and returns a transformer that scores through ML.NET.
/// FFR pretrains on k = B / G synthetic images per subgroup (phase 1), then fine-tunes on the real
/// data only (phase 2), so synthetic and real images never share a batch.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type and role</description></listheader>
/// <item><term>Label (input)</term><description>Key: the class.</description></item>
/// <item><term>Attribute (input)</term><description>Key with key values, Text, Boolean or integer: the spurious attribute. Needed in every dataset.</description></item>
/// <item><term>ImagePath (input)</term><description>Text (an image file path) or a Single vector of 3 x S x S planar RGB values in 0..255 (ImageAnalytics' ExtractPixels with its defaults).</description></item>
/// <item><term>Source (input, optional)</term><description>Text, real or synthetic; without it the training data is real and the pool synthetic.</description></item>
/// <item><term>Split (input, one-view form)</term><description>Text, train, val or test: when the trainer is made without explicit validation data, Fit takes one IDataView and reads the real training rows (real, train), the synthetic pool (synthetic, train) and the validation rows (val) from it, ignoring test rows, so that every earlier transform of an EstimatorChain applies to all of them.</description></item>
/// <item><term>Score (output)</term><description>Vector of Single: class probabilities, in key order.</description></item>
/// <item><term>PredictedLabel (output)</term><description>Text: the most probable class, as the label's original value (as a Model Builder image-classification model gives it).</description></item>
/// <item><term>PredictedLabelKey (output)</term><description>Key with the label's key values: the same class, for <c>MulticlassClassification.Evaluate(..., predictedLabelColumnName: "PredictedLabelKey")</c>.</description></item>
/// </list>
/// </remarks>
public sealed class FfrImageClassificationTrainer : IEstimator<FfrImageClassificationTransformer>
{
    private readonly MLContextSettings _context;
    private readonly MLContext _mlContext;
    private readonly FfrTrainerOptions _options;
    private readonly IDataView? _syntheticPool;
    private readonly IDataView? _validationData;

    /// <summary>
    /// The trainer; with <paramref name="validationData"/> null it is the one-view form: Fit's input holds the training rows,
    /// the pool and the validation rows, told apart by the Source and Split columns.
    /// </summary>
    internal FfrImageClassificationTrainer(MLContextSettings context, IDataView? syntheticPool, IDataView? validationData, FfrTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (validationData is null && syntheticPool is not null)
        {
            throw new ArgumentException(
                "A synthetic pool was given without validation data. Pass both (Trainers.Ffr(syntheticPool, validationData, ...)), or neither and give Fit one IDataView whose Source and Split columns tell the pool and the validation rows apart.", nameof(validationData));
        }

        if (validationData is not null && options.Strategy.UsesSyntheticPool() && syntheticPool is null)
        {
            throw new ArgumentException($"Strategy {options.Strategy} needs a synthetic pool, and none was given. Pass the synthetic images, or use strategy None.", nameof(syntheticPool));
        }

        _context = context;

        // The catalog does not hand out its MLContext: ML.NET's own transforms that this trainer
        // composes are built on a private one with the same GPU settings; the log goes to the caller's.
        _mlContext = new MLContext(context.Seed) { GpuDeviceId = context.GpuDeviceId, FallbackToCpu = context.FallbackToCpu };
        _options = options;
        _syntheticPool = syntheticPool;
        _validationData = validationData;
    }

    /// <summary>The input shape plus Score (vector of Single), PredictedLabel (text) and PredictedLabelKey (key with the label's key values).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        bool isPath = TrainingInputShape.Check(inputSchema, _options, oneView: _validationData is null);

        // The shape does not depend on the weights or the class count: compose the same chain around a placeholder graph.
        using TemporaryFolder temp = TemporaryFolder.Create(_context.TempFilePath);
        return ScoringPipeline.OutputShape(ScoringContext(temp), inputSchema, _options.ImageColumnName, isPath, _options.ImageSize ?? FfrTrainerDefaults.ImageSize);
    }

    /// <summary>
    /// Trains on <paramref name="input"/>: the real training data, or, in the one-view form (no explicit validation data),
    /// the training rows, the synthetic pool and the validation rows together, told apart by Source and Split.
    /// </summary>
    public FfrImageClassificationTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Fit(input, () => TrainingSets.Read(_mlContext, input, _syntheticPool, _validationData, _options));
    }

    /// <summary>
    /// Trains on rows already read and validated (a manifest's: <c>ExperimentRunner</c>), so they are not read back from
    /// IDataViews; <paramref name="input"/> is the real training data they came from, for its schema (the classes, the
    /// scoring chain). Images the manifest's check kept (<paramref name="decoded"/>) are taken instead of decoded again, and
    /// what the fit did not take (pool images the strategy did not draw) is let go when it ends.
    /// </summary>
    internal FfrImageClassificationTransformer Fit(IDataView input, IReadOnlyList<ImageRow> real, IReadOnlyList<ImageRow> validation, IReadOnlyList<ImageRow>? syntheticPool, DecodedImages? decoded = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return Fit(input, () => TrainingSets.FromRows(input.Schema, real, validation, syntheticPool, _options), decoded);
        }
        finally
        {
            decoded?.Clear();
        }
    }

    private FfrImageClassificationTransformer Fit(IDataView input, Func<TrainingSets> read, DecodedImages? decoded = null)
    {
        var watch = Stopwatch.StartNew();
        FfrTrainerOptions o = _options;
        using IChannel log = _context.Environment.Start("FfrImageClassificationTrainer");

        // 1. Schema and data checks, before any training; a checkpoint folder must be writable now, not after the first epoch.
        if (o.CheckpointDirectory is string checkpointFolder)
        {
            AtomicFile.EnsureWritableFolder(checkpointFolder);
        }

        TrainingSets sets = read();
        var groups = new GroupIndex(sets);
        groups.CheckValidationCoversEverySubgroup(sets.Validation);

        // 2. The strategy's training sets and phases.
        int seed = ContextSeed.OrDefault(o.Seed, _context.Seed);
        (ComposedTrainingSet composed, List<PhasePlan> plans) = PhasePlanner.Plan(_mlContext.Data, o, seed, sets, groups);
        var summary = new TrainingSummary
        {
            Strategy = o.Strategy, Method = o.Method, Architecture = o.Architecture, Freeze = o.Freeze, Seed = seed, Labels = sets.Labels.ToList(),
            SyntheticImages = composed.SyntheticUsed.Count,
        };
        summary.Warnings.AddRange(composed.Plan.Warnings);
        summary.ReadSeconds = watch.Elapsed.TotalSeconds;

        // 3. Network, device, validation inputs (and, with a frozen backbone, every phase's features); the native heap set to reuse what each step frees.
        NativeHeap.KeepFreedMemory();
        Device device = TorchDevice.Choose(_context, log);
        torch.manual_seed(seed);
        int imageSize = sets.ImageSize(o);
        var network = ImageNetwork.Create(o.Architecture, sets.Labels.Length, imageSize);
        var cached = new List<NetworkInputs>();
        try
        {
            if (o.InitialWeightsPath is string weights)
            {
                network.LoadWeights(weights);
            }

            network.Freeze(o.Freeze);
            network.To(device);
            (float[] mean, float[] std) = o.Architecture.InputNormalization(o.Mean, o.Std);
            string fingerprint = o.Fingerprint(seed) + $";{sets.Real.Count};{sets.Validation.Count};{sets.Pool?.Count}";
            PhaseState? resume = o.CheckpointDirectory is string dir ? Checkpoint.ReadState(dir, fingerprint) : null;
            if (resume is not null)
            {
                summary = resume.Summary;
            }

            var clock = new TrainingClock();
            var memory = new ImageMemory(o.ImageCacheMegabytes * (1L << 20));
            var runner = new PhaseRunner(network, device, o, seed, imageSize, fingerprint, clock, log, memory, decoded);
            double beforeValidation = watch.Elapsed.TotalSeconds;
            using ValidationData val = ValidationData.Create(sets.Validation, groups, ScoringBatcher(sets.Validation.Select(v => v.Row).ToArray(), mean, std, decoded), imageSize, memory, o);
            summary.ValidationDecodeSeconds = watch.Elapsed.TotalSeconds - beforeValidation;
            if (o.Freeze == FrozenLayers.Backbone)
            {
                // The frozen backbone's features of every image, once: the head is all that trains.
                var frozen = new FrozenFeatures(network, device, o, imageSize, rows => ScoringBatcher(rows, mean, std, decoded));
                cached.AddRange(frozen.Prepare(val, sets.Validation.Select(v => v.Row).ToArray(), plans, runner, clock));
                summary.FeatureSeconds = clock.Elapsed.TotalSeconds;
                clock.StartSteps();
                log.Info(MessageSensitivity.None, FormattableString.Invariant($"Frozen backbone: features of {frozen.Computed} images computed ({summary.FeatureSeconds:0.0} s), the others taken from the feature cache."));
            }

            clock.TotalSteps = plans.Sum(p => (long)p.Schedule.Epochs * runner.BatchesPerEpoch(p));
            foreach (PhasePlan plan in plans)
            {
                if (resume is not null && resume.Phase > plan.Index)
                {
                    continue; // finished before the checkpoint; its weights are in the checkpoint of the next phase
                }

                runner.Run(plan, val, summary, resume);
            }

            if (o.Method == TrainingMethod.Dfr)
            {
                summary.Dfr = Dfr.Apply(network, device, val, o, seed, clock);
                log.Info(MessageSensitivity.None, FormattableString.Invariant($"DFR: C = {summary.Dfr.Regularization}, validation worst-group {summary.Dfr.ValidationWorstGroupAccuracy:0.000}"));
            }

            // 4. The ML.NET model.
            return Export(input, network, sets, imageSize, mean, std, summary, watch);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        finally
        {
            cached.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The trained network as an ML.NET model: exported to ONNX, scored by ML.NET's chain; the model owns the network and a temporary folder.</summary>
    private FfrImageClassificationTransformer Export(IDataView input, ImageNetwork network, TrainingSets sets, int imageSize, float[] mean, float[] std, TrainingSummary summary, Stopwatch watch)
    {
        double beforeExport = watch.Elapsed.TotalSeconds;
        network.Eval();
        byte[] onnx = OnnxExport.Export(network, imageSize, imageSize, mean, std);
        TemporaryFolder temp = TemporaryFolder.Create(_context.TempFilePath);
        try
        {
            ITransformer chain = ScoringPipeline.Build(ScoringContext(temp), input, onnx, _options.ImageColumnName, sets.IsPath, imageSize, sets.Labels);
            summary.Seconds = watch.Elapsed.TotalSeconds;
            summary.ExportSeconds = summary.Seconds - beforeExport;
            var transformer = new FfrImageClassificationTransformer(chain, onnx, network, summary, imageSize, mean, std, temp);
            transformer.GetOutputSchema(input.Schema); // self-check, as ML.NET's trainers do
            return transformer;
        }
        catch
        {
            temp.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The context the scoring chain is built on: the caller's GPU settings, and a temporary folder that the
    /// model owns (OnnxTransformer keeps its copy of the network there, and ML.NET 5 does not delete it).
    /// </summary>
    private MLContext ScoringContext(TemporaryFolder temp) =>
        new(_context.Seed) { GpuDeviceId = _context.GpuDeviceId, FallbackToCpu = _context.FallbackToCpu, TempFilePath = temp.Path };

    /// <summary>Rows in order, unflipped, in batches of <see cref="NetworkInputs.ScoringBatchSize"/>.</summary>
    private Batching.ImageBatcher ScoringBatcher(IReadOnlyList<ImageRow> rows, float[] mean, float[] std, DecodedImages? decoded) => new(rows, new Batching.ImageBatcherOptions
    {
        BatchSize = NetworkInputs.ScoringBatchSize, ImageSize = _options.ImageSize, Mean = mean, Std = std, Shuffle = false, PrefetchBatches = 0,
    }, decoded);
}
