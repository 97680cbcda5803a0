using System.Diagnostics;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Subgroups;
using Ffr.MLNet.Training;
using Microsoft.ML;

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
    }

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
        IDataView? pool = options.Strategy == SyntheticStrategy.None ? null : _pool;
        return _mlContext.MulticlassClassification.Trainers.Ffr(pool, _validation, options).Fit(_train);
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

    /// <summary>Subgroup evaluation of any model (trained here, or loaded from a file) on the test split.</summary>
    public SubgroupEvaluation Evaluate(ITransformer model, DataSplit split = DataSplit.Test, int resamples = 1000)
    {
        IDataView data = _evaluationKey.Transform(_manifest.ToDataView(split, split == DataSplit.Train ? SampleSource.Real : null));
        return _mlContext.MulticlassClassification.EvaluateSubgroups(model.Transform(data), trainingReport: TrainingReport, resamples: resamples, seed: 0);
    }

    private sealed class LabelText
    {
        public string Label { get; set; } = string.Empty;
    }
}
