using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet;

/// <summary>Subgroup evaluation on ML.NET's catalog: <c>mlContext.MulticlassClassification.EvaluateSubgroups(...)</c>.</summary>
public static class SubgroupEvaluationCatalog
{
    /// <summary>
    /// Evaluates scored data (the output of any ML.NET multiclass model) per subgroup: worst-group,
    /// balanced and plain accuracy with bootstrap intervals, and with <paramref name="trainingReport"/>
    /// the bias-aligned and bias-conflicting accuracy.
    /// </summary>
    /// <param name="catalog">The multiclass catalog.</param>
    /// <param name="data">Scored data with label, attribute and predicted label columns.</param>
    /// <param name="labelColumnName">The true label (Key with key values, Text, Boolean or integer).</param>
    /// <param name="attributeColumnName">The spurious attribute.</param>
    /// <param name="predictedLabelColumnName">The prediction, of the label's kind.</param>
    /// <param name="trainingReport">The training data's subgroup report (defines bias-aligned subgroups); optional.</param>
    /// <param name="resamples">Bootstrap resamples for the intervals.</param>
    /// <param name="seed">The bootstrap seed; null takes the MLContext's seed (0 when it has none).</param>
    public static SubgroupEvaluation EvaluateSubgroups(this MulticlassClassificationCatalog catalog, IDataView data,
        string labelColumnName = "Label", string attributeColumnName = "Attribute", string predictedLabelColumnName = "PredictedLabel",
        SubgroupReport? trainingReport = null, int resamples = 1000, int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        TransformsCatalog transforms = SubgroupText.ConversionsFor(catalog);
        SubgroupText text = SubgroupText.Create(transforms, data.Schema, labelColumnName, attributeColumnName);
        SubgroupColumns.Check(data.Schema, "predicted label", predictedLabelColumnName);
        var temporaries = new List<string>();
        IEstimator<ITransformer>? predicted = SubgroupColumns.ToText(transforms, data.Schema[predictedLabelColumnName].Type, predictedLabelColumnName, "__Ffr.Predicted", temporaries);
        IDataView view = text.Apply(data);
        view = predicted is null ? view : predicted.Fit(view).Transform(view);
        string predictedText = predicted is null ? predictedLabelColumnName : "__Ffr.Predicted";

        var labels = new List<string>();
        var attributes = new List<string>();
        var predictions = new List<string>();
        DataViewSchema.Column[] columns = { view.Schema[text.LabelText], view.Schema[text.AttributeText], view.Schema[predictedText] };
        using (DataViewRowCursor cursor = view.GetRowCursor(columns))
        {
            var getters = columns.Select(c => cursor.GetGetter<ReadOnlyMemory<char>>(c)).ToArray();
            ReadOnlyMemory<char> value = default;
            while (cursor.MoveNext())
            {
                getters[0](ref value);
                string label = value.ToString();
                getters[1](ref value);
                string attribute = value.ToString();
                getters[2](ref value);
                if (label.Length == 0 || attribute.Length == 0)
                {
                    throw new InvalidDataException($"Row {cursor.Position} has a missing {(label.Length == 0 ? $"label in column '{labelColumnName}'" : $"attribute in column '{attributeColumnName}'")}; every evaluated row needs its subgroup.");
                }

                labels.Add(label);
                attributes.Add(attribute);
                predictions.Add(value.ToString());
            }
        }

        int bootstrapSeed = ContextSeed.OrDefault(seed, MLNetInternals.Settings(catalog).Seed);
        return SubgroupEvaluation.Compute(labels, attributes, predictions, trainingReport, resamples, bootstrapSeed);
    }
}
