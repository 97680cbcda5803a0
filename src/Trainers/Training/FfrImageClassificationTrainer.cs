using System.Diagnostics;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Composition;
using Ffr.MLNet.IO;
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

        if (validationData is not null && options.Strategy != SyntheticStrategy.None && syntheticPool is null)
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
        if (!Subgroups.SubgroupColumns.TryFind(inputSchema, _options.LabelColumnName, out SchemaShape.Column label))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find label column '{_options.LabelColumnName}'");
        }

        if (!label.IsKey || label.Kind != SchemaShape.Column.VectorKind.Scalar)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Schema mismatch for label column '{_options.LabelColumnName}': expected Key, got {label.ItemType}");
        }

        Subgroups.SubgroupColumns.Check(inputSchema, "attribute", _options.AttributeColumnName);
        if (_validationData is null)
        {
            if (!Subgroups.SubgroupColumns.TryFind(inputSchema, _options.SplitColumnName, out SchemaShape.Column split))
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), TrainingInputs.NoSplitMessage(_options.SplitColumnName, $"has no column '{_options.SplitColumnName}'"));
            }

            if (split.Kind != SchemaShape.Column.VectorKind.Scalar || split.ItemType is not Microsoft.ML.Data.TextDataViewType)
            {
                throw new ArgumentOutOfRangeException(nameof(inputSchema), TrainingInputs.NoSplitMessage(_options.SplitColumnName, $"has a column '{_options.SplitColumnName}' of type {split.ItemType}, not Text"));
            }
        }

        if (!Subgroups.SubgroupColumns.TryFind(inputSchema, _options.ImageColumnName, out SchemaShape.Column image))
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Could not find image column '{_options.ImageColumnName}'");
        }

        bool isPath = image.Kind == SchemaShape.Column.VectorKind.Scalar && image.ItemType is Microsoft.ML.Data.TextDataViewType;
        bool isPixels = image.Kind == SchemaShape.Column.VectorKind.Vector && image.ItemType == Microsoft.ML.Data.NumberDataViewType.Single;
        if (!isPath && !isPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"Schema mismatch for image column '{_options.ImageColumnName}': expected Text (an image path) or a Single vector of planar RGB values, got {image.ItemType}");
        }

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
        var watch = Stopwatch.StartNew();
        FfrTrainerOptions o = _options;
        using IChannel log = _context.Environment.Start("FfrImageClassificationTrainer");

        // 1. Schema and data checks, before any training; a checkpoint folder must be writable now, not after the first epoch.
        if (o.CheckpointDirectory is string checkpointFolder)
        {
            AtomicFile.EnsureWritableFolder(checkpointFolder);
        }

        string[] labels = TrainingInputs.Labels(input.Schema, o.LabelColumnName, "training data");
        if (labels.Length < 2)
        {
            throw new ArgumentException($"Label column '{o.LabelColumnName}' has a single class ('{labels.FirstOrDefault()}'); a classifier needs at least two classes.", nameof(input));
        }

        bool isPath = TrainingInputs.IsPathColumn(input.Schema, o.ImageColumnName, "training data");
        (List<LabelledImage> real, List<LabelledImage> validation, List<LabelledImage>? pool) = _validationData is null
            ? ReadOneView(input, labels)
            : ReadSeparate(input, _validationData, labels, isPath);

        string[] attributes = real.Concat(validation).Select(r => r.Row.Attribute).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var attributeIndex = attributes.Select((a, i) => (a, i)).ToDictionary(p => p.a, p => p.i, StringComparer.Ordinal);
        int groupCount = labels.Length * attributes.Length;
        CheckValidationCoversEverySubgroup(validation, labels, attributes);

        // 2. The strategy's training sets.
        var composeOptions = new TrainingSetOptions { ImagesPerSubgroup = o.ImagesPerSubgroup, AllowShortfall = o.AllowPoolShortfall };
        int seed = o.Seed ?? _context.Seed ?? Random.Shared.Next();
        composeOptions.Seed = seed;
        IReadOnlyList<ImageRow> realRows = real.Select(r => r.Row).ToArray();
        ComposedTrainingSet composed = TrainingSetComposer.Compose(_mlContext.Data, realRows, pool?.Select(r => r.Row).ToArray(), o.Strategy, composeOptions);
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        bool sourceGroups = o.Strategy is SyntheticStrategy.Usb or SyntheticStrategy.Asb;
        TrainingData Data(IReadOnlyList<ImageRow> rows, bool bySource)
        {
            int[] y = rows.Select(r => labelIndex[r.Label]).ToArray();
            int[] g = rows.Select((r, i) => (y[i] * attributes.Length + attributeIndex[r.Attribute]) * (bySource ? 2 : 1) + (bySource && r.Source == SampleSource.Synthetic ? 1 : 0)).ToArray();
            return new TrainingData(rows, y, g, groupCount * (bySource ? 2 : 1));
        }

        var summary = new TrainingSummary
        {
            Strategy = o.Strategy, Method = o.Method, Architecture = o.Architecture, Freeze = o.Freeze, Seed = seed, Labels = labels.ToList(),
            SyntheticImages = composed.SyntheticUsed.Count,
        };
        summary.Warnings.AddRange(composed.Plan.Warnings);
        TrainingMethod phaseMethod = o.Method == TrainingMethod.Dfr ? TrainingMethod.Erm : o.Method;
        var plans = new List<PhasePlan>();
        if (o.Strategy == SyntheticStrategy.Ffr)
        {
            plans.Add(new PhasePlan("pretraining", 0, o.Pretraining, Data(composed.Rows, bySource: false), TrainingMethod.Erm, FreezeBatchNorm: false));
            plans.Add(new PhasePlan("fine-tuning", 1, o.FineTuning, Data(realRows, bySource: false), phaseMethod, o.FreezeBatchNorm));
        }
        else
        {
            plans.Add(new PhasePlan("training", 0, o.Training, Data(composed.Rows, sourceGroups), phaseMethod, o.FreezeBatchNorm));
        }

        summary.ReadSeconds = watch.Elapsed.TotalSeconds;

        // 3. Network, device, validation inputs (and, with a frozen backbone, every phase's features); the native heap set to reuse what each step frees.
        NativeHeap.KeepFreedMemory();
        Device device = TorchDevice.Choose(_context, log);
        torch.manual_seed(seed);
        int imageSize = o.ImageSize ?? FirstImageSize(realRows);
        var network = ImageNetwork.Create(o.Architecture, labels.Length, imageSize);
        TemporaryFolder? temp = null;
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
            string fingerprint = o.Fingerprint(seed) + $";{real.Count};{validation.Count};{pool?.Count}";
            PhaseState? resume = o.CheckpointDirectory is string dir ? Checkpoint.ReadState(dir, fingerprint) : null;
            if (resume is not null)
            {
                summary = resume.Summary;
            }

            var clock = new TrainingClock();
            var memory = new ImageMemory(o.ImageCacheMegabytes * (1L << 20));
            var runner = new PhaseRunner(network, device, o, seed, imageSize, fingerprint, clock, log, memory);
            double beforeValidation = watch.Elapsed.TotalSeconds;
            using ValidationData val = Validation(validation, labels, attributeIndex, attributes.Length, imageSize, mean, std, memory);
            summary.ValidationDecodeSeconds = watch.Elapsed.TotalSeconds - beforeValidation;
            if (o.Freeze == FrozenLayers.Backbone)
            {
                // The frozen backbone's features of every image, once: the head is all that trains.
                var frozen = new FrozenFeatures(network, device, o, imageSize, rows => ScoringBatcher(rows, mean, std));
                cached.AddRange(frozen.Prepare(val, validation.Select(v => v.Row).ToArray(), plans, runner, clock));
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
            double beforeExport = watch.Elapsed.TotalSeconds;
            network.Eval();
            byte[] onnx = OnnxExport.Export(network, imageSize, imageSize, mean, std);
            temp = TemporaryFolder.Create(_context.TempFilePath);
            ITransformer chain = ScoringPipeline.Build(ScoringContext(temp), input, onnx, o.ImageColumnName, isPath, imageSize, labels);
            summary.Seconds = watch.Elapsed.TotalSeconds;
            summary.ExportSeconds = summary.Seconds - beforeExport;
            var transformer = new FfrImageClassificationTransformer(chain, onnx, network, summary, imageSize, mean, std, temp);
            transformer.GetOutputSchema(input.Schema); // self-check, as ML.NET's trainers do
            return transformer;
        }
        catch
        {
            network.Dispose();
            temp?.Dispose();
            throw;
        }
        finally
        {
            cached.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The one-view form: one read of <paramref name="input"/>, split into real training rows, validation rows and the pool by Source and Split.</summary>
    private (List<LabelledImage> Real, List<LabelledImage> Validation, List<LabelledImage>? Pool) ReadOneView(IDataView input, string[] labels)
    {
        FfrTrainerOptions o = _options;
        TrainingInputs.SplitColumn(input.Schema, o.SplitColumnName);
        List<LabelledImage> rows = TrainingInputs.Read(_mlContext, input, o, labels, "training data", SampleSource.Real, DataSplit.Train, bySplitColumn: true);
        List<LabelledImage> real = rows.Where(r => r.Row.Split == DataSplit.Train && r.Row.Source == SampleSource.Real).ToList();
        List<LabelledImage> validation = rows.Where(r => r.Row.Split == DataSplit.Val).ToList();
        List<LabelledImage> pool = rows.Where(r => r.Row.Source == SampleSource.Synthetic).ToList();
        if (real.Count == 0)
        {
            throw new ArgumentException($"The training data has no real training rows ({o.SourceColumnName} real, {o.SplitColumnName} train); the real images are what the model is fine-tuned and checked on.", "input");
        }

        if (validation.Count == 0)
        {
            throw new ArgumentException(
                $"The training data has no validation rows ({o.SplitColumnName} val). Model selection by worst-group accuracy needs real validation images of every subgroup: mark some rows val, or pass validation data explicitly with Trainers.Ffr(syntheticPool, validationData, ...).", "input");
        }

        if (o.Strategy != SyntheticStrategy.None && pool.Count == 0)
        {
            throw new ArgumentException(
                $"Strategy {o.Strategy} needs a synthetic pool, and the training data has no synthetic rows ({o.SourceColumnName} synthetic, {o.SplitColumnName} train). Add the pool's rows (ImageManifest.WithSyntheticPool), or use strategy None.", "input");
        }

        return (real, validation, o.Strategy == SyntheticStrategy.None ? null : pool);
    }

    /// <summary>Today's form: the real training data in Fit's input, the pool and the validation data given to the trainer.</summary>
    private (List<LabelledImage> Real, List<LabelledImage> Validation, List<LabelledImage>? Pool) ReadSeparate(IDataView input, IDataView validationData, string[] labels, bool isPath)
    {
        FfrTrainerOptions o = _options;
        List<LabelledImage> real = TrainingInputs.Read(_mlContext, input, o, labels, "training data", SampleSource.Real, DataSplit.Train);
        List<LabelledImage> validation = TrainingInputs.Read(_mlContext, validationData, o, labels, "validation data", SampleSource.Real, DataSplit.Val);
        List<LabelledImage>? pool = _syntheticPool is null || o.Strategy == SyntheticStrategy.None
            ? null
            : TrainingInputs.Read(_mlContext, _syntheticPool, o, labels, "synthetic pool", SampleSource.Synthetic, DataSplit.Train);
        if (isPath != TrainingInputs.IsPathColumn(validationData.Schema, o.ImageColumnName, "validation data"))
        {
            throw new ArgumentException($"The image column '{o.ImageColumnName}' holds paths in one dataset and pixels in another; use the same kind everywhere.");
        }

        return (real, validation, pool);
    }

    /// <summary>
    /// The context the scoring chain is built on: the caller's GPU settings, and a temporary folder that the
    /// model owns (OnnxTransformer keeps its copy of the network there, and ML.NET 5 does not delete it).
    /// </summary>
    private MLContext ScoringContext(TemporaryFolder temp) =>
        new(_context.Seed) { GpuDeviceId = _context.GpuDeviceId, FallbackToCpu = _context.FallbackToCpu, TempFilePath = temp.Path };

    private static void CheckValidationCoversEverySubgroup(List<LabelledImage> validation, string[] labels, string[] attributes)
    {
        var present = validation.Select(v => (v.Row.Label, v.Row.Attribute)).ToHashSet();
        string[] missing = labels.SelectMany(l => attributes.Select(a => (l, a))).Where(p => !present.Contains(p)).Select(p => $"{p.l}|{p.a}").ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException(
                $"The validation data lacks {missing.Length} subgroup(s): {string.Join(", ", missing)}. Model selection by worst-group accuracy needs every subgroup (label x attribute) in the validation set; add a few images of each.");
        }
    }

    private static int FirstImageSize(IReadOnlyList<ImageRow> rows)
    {
        var first = rows[0].LoadImage();
        if (first.Width != first.Height)
        {
            throw new InvalidDataException($"Image '{rows[0].ImagePath}' is {first.Width}x{first.Height}; without ImageSize the images must be square. Set ImageSize to resize them.");
        }

        if (first.Width is < FfrTrainerOptions.MinImageSize or > FfrTrainerOptions.MaxImageSize)
        {
            throw new InvalidDataException(
                $"Image '{rows[0].ImagePath}' is {first.Width}x{first.Height}; without ImageSize the network takes the images' own size, which must be from {FfrTrainerOptions.MinImageSize} to {FfrTrainerOptions.MaxImageSize}. Set ImageSize to resize them.");
        }

        return first.Width;
    }

    /// <summary>The validation set's inputs: held when the image memory has room, decoded batch by batch otherwise (<see cref="NetworkInputs.Images"/>).</summary>
    private ValidationData Validation(List<LabelledImage> validation, string[] labels, Dictionary<string, int> attributeIndex, int attributeCount, int imageSize, float[] mean, float[] std, ImageMemory memory)
    {
        Batching.ImageBatcher batcher = ScoringBatcher(validation.Select(v => v.Row).ToArray(), mean, std);
        (int height, int width) = batcher.ImageShape;
        if (height != imageSize || width != imageSize)
        {
            throw new InvalidDataException(
                $"Validation image '{validation[0].Row.ImagePath}' is {width}x{height} but the training images are {imageSize}x{imageSize}. Set ImageSize to resize every image to one size.");
        }

        int[] y = validation.Select(v => v.Label).ToArray();
        int[] g = validation.Select((v, i) => y[i] * attributeCount + attributeIndex[v.Row.Attribute]).ToArray();
        // With a frozen backbone the images are replaced by their features at once: decoding them here too would be work done twice.
        NetworkInputs inputs = _options.Freeze == FrozenLayers.Backbone ? NetworkInputs.Decoded(batcher) : NetworkInputs.Images(batcher, memory, _options.CancellationToken);
        return new ValidationData(inputs, y, g, labels.Length * attributeCount);
    }

    /// <summary>Rows in order, unflipped, in batches of <see cref="NetworkInputs.ScoringBatchSize"/>.</summary>
    private Batching.ImageBatcher ScoringBatcher(IReadOnlyList<ImageRow> rows, float[] mean, float[] std) => new(rows, new Batching.ImageBatcherOptions
    {
        BatchSize = NetworkInputs.ScoringBatchSize, ImageSize = _options.ImageSize, Mean = mean, Std = std, Shuffle = false, PrefetchBatches = 0,
    });
}
