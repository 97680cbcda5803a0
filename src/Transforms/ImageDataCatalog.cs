using Ffr.MLNet.Budgets;
using Ffr.MLNet.Composition;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet;

/// <summary>
/// Image datasets on ML.NET's data catalog: <c>mlContext.Data.LoadImageManifest</c> and
/// <c>mlContext.Data.ComposeTrainingSet</c> (the synthetic-augmenting loader).
/// </summary>
public static class ImageDataCatalog
{
    /// <summary>
    /// Loads and validates a manifest (CSV with ImagePath, Label, Attribute, Source, Split) as an
    /// IDataView of text columns with full image paths; optionally one split and source.
    /// </summary>
    /// <param name="catalog">The data operations catalog.</param>
    /// <param name="manifestPath">The CSV manifest.</param>
    /// <param name="split">Only this split; null for all.</param>
    /// <param name="source">Only this source; null for both.</param>
    /// <param name="options">Validation options; by default any invalid row fails the load with the full list.</param>
    public static IDataView LoadImageManifest(this DataOperationsCatalog catalog, string manifestPath, DataSplit? split = null, SampleSource? source = null, ManifestLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return ImageManifest.Load(manifestPath, options).ToDataView(split, source);
    }

    /// <summary>
    /// Composes the training data of <paramref name="strategy"/> from real training data and a
    /// synthetic pool (IDataViews with ImagePath, Label and Attribute columns): None, the real rows;
    /// USB, real plus each subgroup topped up to the largest; ASB, real plus k per subgroup; FFR,
    /// the phase-1 set of k synthetic images per subgroup.
    /// </summary>
    /// <param name="catalog">The data operations catalog.</param>
    /// <param name="realTrain">The real training data.</param>
    /// <param name="syntheticPool">The synthetic pool; null only for strategy None.</param>
    /// <param name="strategy">The strategy.</param>
    /// <param name="options">Budget override, shortfall handling and seed.</param>
    public static ComposedTrainingSet ComposeTrainingSet(this DataOperationsCatalog catalog, IDataView realTrain, IDataView? syntheticPool, SyntheticStrategy strategy, TrainingSetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        IReadOnlyList<ImageRow> real = ImageRows.FromDataView(catalog, realTrain, SampleSource.Real, DataSplit.Train, role: "real training data");
        IReadOnlyList<ImageRow>? pool = syntheticPool is null ? null : ImageRows.FromDataView(catalog, syntheticPool, SampleSource.Synthetic, DataSplit.Train, role: "synthetic pool");
        return TrainingSetComposer.Compose(catalog, real, pool, strategy, options);
    }
}
