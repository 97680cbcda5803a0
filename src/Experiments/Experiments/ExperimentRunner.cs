using System.Diagnostics;
using System.Globalization;
using Ffr.MLNet.IO;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Subgroups;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Experiments;

/// <summary>
/// Trains one strategy x method on a manifest's train split (real rows, plus its synthetic rows as
/// the pool), selects on its val split and evaluates on its test split by subgroup: the unit that
/// the demo and the reproduction grid repeat.
/// </summary>
public sealed class ExperimentRunner
{
    private readonly MLContext _mlContext;
    private readonly ImageManifest _manifest;
    private readonly ITransformer _labelKey;
    private readonly IDataView _train;
    private readonly IDataView _validation;
    private readonly IDataView _pool;
    private readonly ITransformer _evaluationKey;

    /// <summary>Prepares the manifest's splits (Label mapped to a key fitted on the real training rows).</summary>
    public ExperimentRunner(MLContext mlContext, ImageManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ArgumentNullException.ThrowIfNull(manifest);
        _mlContext = mlContext;
        _manifest = manifest;
        IDataView train = manifest.ToDataView(DataSplit.Train, SampleSource.Real);
        _labelKey = mlContext.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        _train = _labelKey.Transform(train);
        _validation = _labelKey.Transform(manifest.ToDataView(DataSplit.Val));
        _pool = _labelKey.Transform(manifest.ToDataView(DataSplit.Train, SampleSource.Synthetic));

        // Evaluation compares label text, so its key may hold more labels than training saw: the training
        // labels in their key order, then any label that only the other splits have.
        string[] labels = manifest.Select(DataSplit.Train, SampleSource.Real).Concat(manifest.Rows).Select(r => r.Label).Distinct(StringComparer.Ordinal).ToArray();
        IDataView keyData = mlContext.Data.LoadFromEnumerable(labels.Select(l => new LabelText { Label = l }).ToList());
        _evaluationKey = mlContext.Transforms.Conversion.MapValueToKey("Label", keyData: keyData).Fit(train);
        TrainingReport = mlContext.Data.AnalyzeSubgroups(train);
        PoolReport = manifest.Select(DataSplit.Train, SampleSource.Synthetic).Count == 0 ? null : mlContext.Data.AnalyzeSubgroups(manifest.ToDataView(DataSplit.Train, SampleSource.Synthetic));
        var validation = manifest.Select(DataSplit.Val).Select(r => new SubgroupKey(r.Label, r.Attribute)).ToHashSet();
        MissingValidationSubgroups = TrainingReport.Groups.Where(g => g.Count > 0 && !validation.Contains(g.Key)).Select(g => g.Key).ToArray();
    }

    /// <summary>The MLContext the runner trains and evaluates with.</summary>
    internal MLContext Context => _mlContext;

    /// <summary>The manifest the runner reads.</summary>
    internal ImageManifest Manifest => _manifest;

    /// <summary>The subgroup report of the synthetic rows (the pool); null when the manifest has none.</summary>
    public SubgroupReport? PoolReport { get; }

    /// <summary>
    /// Subgroups with real training images but no validation rows: model selection by validation
    /// worst-group accuracy cannot see them (every subgroup when the manifest has no val split).
    /// </summary>
    public IReadOnlyList<SubgroupKey> MissingValidationSubgroups { get; }

    /// <summary>The subgroup report of the real training rows (defines bias-aligned subgroups).</summary>
    public SubgroupReport TrainingReport { get; }

    /// <summary>A frozen backbone's features of this dataset's images, shared by every fit of the runner (so a grid computes them once).</summary>
    public FeatureCache FeatureCache { get; } = new();

    /// <summary>The schema a trained model expects (real training rows, Label as key).</summary>
    public DataViewSchema InputSchema => _train.Schema;

    /// <summary>Trains with <paramref name="options"/> on the train split (the synthetic rows as the pool), selecting on the val split.</summary>
    public FfrImageClassificationTransformer Train(FfrTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.FeatureCache ??= FeatureCache;
        // The manifest's rows go to the trainer as they are: read and validated once, not read back from the IDataViews;
        // the images its check kept (ManifestLoadOptions.KeepDecodedMegabytes) are decoded once, not again.
        return _mlContext.MulticlassClassification.Trainers.Ffr(_pool, _validation, options)
            .Fit(_train, _manifest.Select(DataSplit.Train, SampleSource.Real), _manifest.Select(DataSplit.Val), _manifest.Select(DataSplit.Train, SampleSource.Synthetic), _manifest.Decoded);
    }

    /// <summary>Trains with <paramref name="options"/> (strategy, method, seed...) and evaluates on the test split.</summary>
    public (ExperimentResult Result, FfrImageClassificationTransformer Model, SubgroupEvaluation Evaluation) Run(FfrTrainerOptions options, double biasRate, int severity)
    {
        var watch = Stopwatch.StartNew();
        FfrImageClassificationTransformer model = Train(options);
        try
        {
            SubgroupEvaluation evaluation = Evaluate(model);
            PhaseSummary last = model.Summary.Phases[^1];
            double validation = model.Summary.Dfr?.ValidationWorstGroupAccuracy ?? last.BestValidationWorstGroupAccuracy;
            var cell = new ExperimentCell(biasRate, severity, options.Strategy, options.Method, options.Seed ?? model.Summary.Seed);
            var result = new ExperimentResult(cell, evaluation.WorstGroupAccuracy, evaluation.BalancedAccuracy, evaluation.Accuracy, validation, watch.Elapsed.TotalSeconds);
            return (result, model, evaluation);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains and evaluates one cell (its strategy, method and seed set on <paramref name="options"/>),
    /// measuring its cost (<see cref="ExperimentCost"/>: training time, synthetic images, peak working set).
    /// With <paramref name="outputFolder"/>, writes there the cell's files (<see cref="CellFiles"/>): the model zip,
    /// its training summary, its test evaluation and its training curves.
    /// </summary>
    public ExperimentResult RunCell(FfrTrainerOptions options, ExperimentCell cell, string? outputFolder)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cell);
        options.Strategy = cell.Strategy;
        options.Method = cell.Method;
        options.Seed = cell.Seed;
        using var memory = new PeakMemory();
        (ExperimentResult result, FfrImageClassificationTransformer model, SubgroupEvaluation evaluation) = Run(options, cell.BiasRate, cell.Severity);
        using (model)
        {
            if (outputFolder is not null)
            {
                ExperimentCellFiles files = CellFiles(outputFolder, cell);
                _mlContext.Model.SaveAtomically(model, InputSchema, files.Model);
                AtomicFile.WriteText(files.Summary, model.Summary.ToJson());
                AtomicFile.WriteText(files.Evaluation, evaluation.ToJson());
                Reports.Charts.TrainingCurves(model.Summary, files.TrainingChart);
            }

            return result with { Cost = new ExperimentCost(model.Summary.Seconds, model.Summary.SyntheticImages, memory.Bytes) };
        }
    }

    /// <summary>Where <see cref="RunCell"/> writes a cell's files under <paramref name="outputFolder"/>.</summary>
    public static ExperimentCellFiles CellFiles(string outputFolder, ExperimentCell cell)
    {
        ArgumentNullException.ThrowIfNull(outputFolder);
        ArgumentNullException.ThrowIfNull(cell);
        string name = string.Create(CultureInfo.InvariantCulture, $"{cell.Name}-seed{cell.Seed}");
        string models = Path.Combine(outputFolder, "models");
        return new ExperimentCellFiles(Path.Combine(models, name + ".zip"), Path.Combine(models, name + ".summary.json"), Path.Combine(models, name + ".test.json"),
            Path.Combine(outputFolder, "charts", name + "-training.png"));
    }

    /// <summary>Subgroup evaluation of any model (trained here, or loaded from a file) on the test split.</summary>
    public SubgroupEvaluation Evaluate(ITransformer model, DataSplit split = DataSplit.Test, int resamples = 1000)
    {
        IDataView data = _evaluationKey.Transform(_manifest.ToDataView(split, split == DataSplit.Train ? SampleSource.Real : null));
        return _mlContext.MulticlassClassification.EvaluateSubgroups(model.Transform(data), trainingReport: TrainingReport, resamples: resamples, seed: 0);
    }

    /// <summary>The rows of a split (real rows only for train) and what <paramref name="model"/> predicts for each, in manifest order.</summary>
    public IReadOnlyList<(ImageRow Row, string Predicted)> Predict(ITransformer model, DataSplit split = DataSplit.Test)
    {
        ArgumentNullException.ThrowIfNull(model);
        SampleSource? source = split == DataSplit.Train ? SampleSource.Real : null;
        IReadOnlyList<ImageRow> rows = _manifest.Select(split, source);
        IDataView scored = model.Transform(_evaluationKey.Transform(_manifest.ToDataView(split, source)));
        var predicted = scored.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(v => v.ToString()).ToArray(); // the label's text, as in Model Builder's models
        return rows.Select((r, i) => (r, predicted[i])).ToArray();
    }

    private sealed class LabelText
    {
        public string Label { get; set; } = string.Empty;
    }
}
