using Ffr.MLNet.Resampling;
using Ffr.MLNet.Subgroups;
using Ffr.MLNet.Weighting;
using Microsoft.ML;

namespace Ffr.MLNet;

/// <summary>
/// Subgroup analysis and balancing on ML.NET's catalogs: <c>mlContext.Data.AnalyzeSubgroups</c>,
/// <c>mlContext.Data.ResampleSubgroups</c>, <c>mlContext.Data.AddSubgroupWeights</c> and the pipeline
/// estimator <c>mlContext.Transforms.AddSubgroupWeights</c>. A subgroup is a class label crossed with
/// a value of the spurious attribute.
/// </summary>
public static class BalancingCatalog
{
    /// <summary>
    /// Counts the rows of every subgroup and measures each class's bias rate, in one pass.
    /// Rows with a missing label or attribute are counted as skipped.
    /// </summary>
    /// <param name="catalog">The data operations catalog.</param>
    /// <param name="data">The data to analyse.</param>
    /// <param name="labelColumnName">The class label column: Key with key values, Text, Boolean or integer.</param>
    /// <param name="attributeColumnName">The spurious attribute column: same types as the label.</param>
    public static SubgroupReport AnalyzeSubgroups(this DataOperationsCatalog catalog, IDataView data,
        string labelColumnName = SubgroupResamplingDefaults.LabelColumnName,
        string attributeColumnName = SubgroupResamplingDefaults.AttributeColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SubgroupReport.Create(SubgroupText.ConversionsFor(catalog), data, labelColumnName, attributeColumnName);
    }

    /// <summary>
    /// Resamples <paramref name="data"/> so that every non-empty subgroup has the same number of rows:
    /// up-sampling keeps every row and tops each subgroup up to the largest with rows drawn with
    /// replacement; down-sampling keeps a random subset the size of the smallest. Rows keep the
    /// source order (repeats next to each other); shuffle with <c>ShuffleRows</c> afterwards.
    /// Memory: two ints per row; row data is streamed from <paramref name="data"/>, never copied.
    /// </summary>
    /// <param name="catalog">The data operations catalog.</param>
    /// <param name="data">The data to resample; read once now, and again when the result is read.</param>
    /// <param name="labelColumnName">The class label column.</param>
    /// <param name="attributeColumnName">The spurious attribute column.</param>
    /// <param name="mode">Up-sample (default) or down-sample.</param>
    /// <param name="seed">The seed; null draws one from the MLContext, like <c>BootstrapSample</c>.</param>
    public static IDataView ResampleSubgroups(this DataOperationsCatalog catalog, IDataView data,
        string labelColumnName = SubgroupResamplingDefaults.LabelColumnName,
        string attributeColumnName = SubgroupResamplingDefaults.AttributeColumnName,
        SubgroupResamplingMode mode = SubgroupResamplingDefaults.Mode,
        int? seed = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SubgroupResampler.Resample(catalog, data, new SubgroupResamplingOptions
        {
            LabelColumnName = labelColumnName,
            AttributeColumnName = attributeColumnName,
            Mode = mode,
            Seed = seed,
        });
    }

    /// <summary>Resamples <paramref name="data"/> to equal subgroup counts; see the other overload.</summary>
    /// <param name="catalog">The data operations catalog.</param>
    /// <param name="data">The data to resample.</param>
    /// <param name="options">Columns, mode, target count and seed.</param>
    public static IDataView ResampleSubgroups(this DataOperationsCatalog catalog, IDataView data, SubgroupResamplingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return SubgroupResampler.Resample(catalog, data, options);
    }

    /// <summary>
    /// Adds an inverse-frequency example-weight column to <paramref name="data"/> (lazily): mean weight 1,
    /// every subgroup's weights summing to the same total. Same as fitting
    /// <see cref="AddSubgroupWeights(TransformsCatalog, string, string, string)"/> on the data and transforming it.
    /// </summary>
    /// <param name="catalog">The data operations catalog.</param>
    /// <param name="data">The data to weight.</param>
    /// <param name="outputColumnName">The weight column to add.</param>
    /// <param name="labelColumnName">The class label column.</param>
    /// <param name="attributeColumnName">The spurious attribute column.</param>
    public static IDataView AddSubgroupWeights(this DataOperationsCatalog catalog, IDataView data,
        string outputColumnName = SubgroupWeightingDefaults.OutputColumnName,
        string labelColumnName = SubgroupWeightingDefaults.LabelColumnName,
        string attributeColumnName = SubgroupWeightingDefaults.AttributeColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(data);
        var estimator = new SubgroupWeightingEstimator(SubgroupText.ConversionsFor(catalog), new SubgroupWeightingOptions
        {
            OutputColumnName = outputColumnName,
            LabelColumnName = labelColumnName,
            AttributeColumnName = attributeColumnName,
        });
        return estimator.Fit(data).Transform(data);
    }

    /// <summary>
    /// A pipeline estimator adding inverse-frequency example weights per subgroup; its fitted
    /// transformer survives <c>mlContext.Model.Save</c> and loads in a fresh MLContext.
    /// </summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="outputColumnName">The weight column to add.</param>
    /// <param name="labelColumnName">The class label column.</param>
    /// <param name="attributeColumnName">The spurious attribute column.</param>
    public static SubgroupWeightingEstimator AddSubgroupWeights(this TransformsCatalog catalog,
        string outputColumnName = SubgroupWeightingDefaults.OutputColumnName,
        string labelColumnName = SubgroupWeightingDefaults.LabelColumnName,
        string attributeColumnName = SubgroupWeightingDefaults.AttributeColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SubgroupWeightingEstimator(catalog, new SubgroupWeightingOptions
        {
            OutputColumnName = outputColumnName,
            LabelColumnName = labelColumnName,
            AttributeColumnName = attributeColumnName,
        });
    }

    /// <summary>The weighting estimator with all its options.</summary>
    /// <param name="catalog">The transforms catalog.</param>
    /// <param name="options">Columns and the weight of unseen subgroups.</param>
    public static SubgroupWeightingEstimator AddSubgroupWeights(this TransformsCatalog catalog, SubgroupWeightingOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new SubgroupWeightingEstimator(catalog, options);
    }
}
