namespace Ffr.MLNet.Importing;

/// <summary>
/// How <see cref="ManifestImporter.Waterbirds"/> names Waterbirds' classes and backgrounds. The layout
/// itself is fixed: <c>metadata.csv</c> with <c>img_filename</c> (relative to the dataset folder),
/// <c>y</c> (0 landbird, 1 waterbird), <c>split</c> (0 train, 1 val, 2 test) and <c>place</c> (0 land,
/// 1 water); other columns (<c>img_id</c>, <c>place_filename</c>) are ignored.
/// </summary>
public sealed class WaterbirdsImportOptions
{
    /// <summary>The labels of <c>y</c> 0 and 1, in that order.</summary>
    /// <value>The default value is landbird, waterbird.</value>
    public IReadOnlyList<string> LabelNames { get; set; } = ImportDefaults.WaterbirdsLabelNames;

    /// <summary>The attributes of <c>place</c> 0 and 1, in that order.</summary>
    /// <value>The default value is land, water.</value>
    public IReadOnlyList<string> AttributeNames { get; set; } = ImportDefaults.WaterbirdsPlaceNames;
}
