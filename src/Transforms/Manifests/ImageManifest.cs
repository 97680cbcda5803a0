using System.Text;
using Ffr.MLNet.Images;
using Ffr.MLNet.IO;
using Microsoft.ML;

namespace Ffr.MLNet.Manifests;

/// <summary>
/// A validated list of images with label, attribute, source and split: the project's manifest
/// format. On disk it is a CSV file whose header holds at least
/// <c>ImagePath,Label,Attribute,Source,Split</c> (any order, extra columns kept as-is); paths are
/// relative to the manifest's folder; Source is <c>real</c> or <c>synthetic</c>; Split is
/// <c>train</c>, <c>val</c> or <c>test</c>, and synthetic rows are <c>train</c>.
/// A folder laid out as <c>root/&lt;label&gt;/&lt;attribute&gt;/*.png|jpg|jpeg|bmp|webp</c> loads too.
/// </summary>
public sealed class ImageManifest
{
    private ImageManifest(string baseDirectory, IReadOnlyList<string> extraColumns, IReadOnlyList<ImageRow> rows, IReadOnlyList<ManifestIssue> skipped, IReadOnlyList<ManifestIssue> notices, DecodedImages? decoded = null)
    {
        Decoded = decoded;
        BaseDirectory = baseDirectory;
        ExtraColumns = extraColumns;
        Rows = rows;
        Skipped = skipped;
        Notices = notices;
        Warnings = notices.GroupBy(n => n.Kind).Select(g => Warning(g.Key, g.ToArray())).ToArray();
    }

    /// <summary>The folder relative paths are resolved against (the manifest's folder).</summary>
    public string BaseDirectory { get; }

    /// <summary>Columns beyond the five required ones, in file order.</summary>
    public IReadOnlyList<string> ExtraColumns { get; }

    /// <summary>The valid rows, in file order; <see cref="ImageRow.ImagePath"/> is a full path.</summary>
    public IReadOnlyList<ImageRow> Rows { get; }

    /// <summary>Rows left out because <see cref="ManifestLoadOptions.SkipInvalidRows"/> was set: one issue per problem.</summary>
    public IReadOnlyList<ManifestIssue> Skipped { get; }

    /// <summary>
    /// Rows kept but worth knowing about, one per row: grayscale images among RGB ones when
    /// <see cref="ManifestLoadOptions.FilterGrayscale"/> is off (<see cref="ManifestIssueKind.GrayscaleImage"/>), and
    /// paths that lead outside the manifest's folder (<see cref="ManifestIssueKind.OutsideManifestFolder"/>: they are
    /// read, but the manifest stops working when its folder is moved or copied alone).
    /// </summary>
    public IReadOnlyList<ManifestIssue> Notices { get; }

    /// <summary>The images the check decoded and kept for training (<see cref="ManifestLoadOptions.KeepDecodedMegabytes"/>); null when none were.</summary>
    internal DecodedImages? Decoded { get; }

    /// <summary>The <see cref="Notices"/> as sentences, one per kind, saying what to do about them.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The rows of one split and, optionally, one source.</summary>
    public IReadOnlyList<ImageRow> Select(DataSplit split, SampleSource? source = null) =>
        Rows.Where(r => r.Split == split && (source is null || r.Source == source)).ToArray();

    /// <summary>Creates a manifest over rows already in memory (for example the benchmark dataset).</summary>
    public static ImageManifest FromRows(IEnumerable<ImageRow> rows, string baseDirectory = "")
    {
        ArgumentNullException.ThrowIfNull(rows);
        ImageRow[] list = rows.ToArray();
        string[] extra = list.SelectMany(r => r.Extra.Keys).Distinct(StringComparer.Ordinal).ToArray();
        return new ImageManifest(baseDirectory, extra, list, Array.Empty<ManifestIssue>(), Array.Empty<ManifestIssue>());
    }

    /// <summary>Loads and validates a CSV manifest.</summary>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="IOException">The path is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is empty or has no rows, the header lacks a required column or names one twice, or a row has the wrong number of fields.</exception>
    /// <exception cref="ManifestValidationException">Rows are invalid and <see cref="ManifestLoadOptions.SkipInvalidRows"/> is false.</exception>
    public static ImageManifest Load(string manifestPath, ManifestLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        options ??= new ManifestLoadOptions();
        ManifestCsv csv = ManifestCsv.Read(manifestPath);
        return Validated($"Manifest '{manifestPath}'", csv.BaseDirectory, csv.ExtraColumns, csv.Candidates, options, checkFolder: true);
    }

    /// <summary>
    /// Loads a folder laid out as <c>root/&lt;label&gt;/&lt;attribute&gt;/*.{png,jpg,jpeg,bmp,webp}</c>,
    /// every image of the given source and split, validated as a manifest is.
    /// </summary>
    public static ImageManifest FromFolder(string root, SampleSource source, DataSplit split = DataSplit.Train, ManifestLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new ManifestLoadOptions();
        List<ManifestCandidate> candidates = ManifestCandidate.FromFolder(root, source, split);
        return Validated($"Image folder '{root}'", Path.GetFullPath(root), Array.Empty<string>(), candidates, options, checkFolder: false);
    }

    /// <summary>
    /// Real rows read from another layout (a benchmark's metadata, a CSV with its own columns), validated
    /// as a manifest's rows are: <paramref name="what"/> names the file the lines belong to, paths are
    /// relative to <paramref name="baseDirectory"/>.
    /// </summary>
    internal static ImageManifest FromImport(string what, string baseDirectory, IEnumerable<(int Line, string Path, string Label, string Attribute, DataSplit Split)> rows, ManifestLoadOptions options)
    {
        var candidates = rows.Select(r => new ManifestCandidate(r.Line, r.Path, r.Label, r.Attribute, ImageRow.Format(SampleSource.Real), ImageRow.Format(r.Split), ImageRow.EmptyExtra)).ToList();
        return Validated(what, Path.GetFullPath(baseDirectory), Array.Empty<string>(), candidates, options, checkFolder: false);
    }

    /// <summary>Writes the manifest as CSV, atomically, paths relative to the CSV's folder; in-memory images must be saved first.</summary>
    public void Save(string manifestPath)
    {
        ArgumentNullException.ThrowIfNull(manifestPath);
        string directory = Path.GetDirectoryName(Path.GetFullPath(manifestPath))!;
        Directory.CreateDirectory(directory);
        var sb = new StringBuilder();
        sb.Append(Csv.Format(ManifestDefaults.Required.Concat(ExtraColumns))).Append('\n');
        foreach (ImageRow row in Rows)
        {
            string relative = Path.GetRelativePath(directory, row.ImagePath).Replace('\\', '/');
            sb.Append(Csv.Format(new[] { relative, row.Label, row.Attribute, ImageRow.Format(row.Source), ImageRow.Format(row.Split) }
                .Concat(ExtraColumns.Select(c => row.Extra.GetValueOrDefault(c, string.Empty))))).Append('\n');
        }

        AtomicFile.WriteText(manifestPath, sb.ToString());
    }

    /// <summary>
    /// This manifest's real rows with <paramref name="pool"/>'s synthetic rows in place of its own
    /// synthetic ones: how a pool generated apart (for example by <c>ffr generate</c>, which writes
    /// a manifest of synthetic rows) joins the real data it was planned for.
    /// </summary>
    /// <exception cref="InvalidDataException">The pool has real rows, or synthetic rows whose label or attribute no real row of this manifest has (the message lists them).</exception>
    public ImageManifest WithSyntheticPool(ImageManifest pool)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (pool.Rows.FirstOrDefault(r => r.Source == SampleSource.Real) is ImageRow real)
        {
            throw new InvalidDataException($"The synthetic pool has real rows (for example '{real.ImagePath}'); give a manifest of synthetic images only.");
        }

        ImageRow[] ownReal = Rows.Where(r => r.Source == SampleSource.Real).ToArray();
        var labels = ownReal.Select(r => r.Label).ToHashSet(StringComparer.Ordinal);
        var attributes = ownReal.Select(r => r.Attribute).ToHashSet(StringComparer.Ordinal);
        string[] unknown = pool.Rows.Select(r => !labels.Contains(r.Label) ? $"label '{r.Label}'" : !attributes.Contains(r.Attribute) ? $"attribute '{r.Attribute}'" : null)
            .OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new InvalidDataException($"The synthetic pool has {string.Join(", ", unknown)}, which no real row has; generate the pool from a plan made for this manifest ('ffr plan --manifest ...').");
        }

        string[] extra = ExtraColumns.Concat(pool.ExtraColumns).Distinct(StringComparer.Ordinal).ToArray();
        ImageRow[] rows = ownReal.Concat(pool.Rows).ToArray();
        return new ImageManifest(BaseDirectory, extra, rows, Skipped.Concat(pool.Skipped).ToArray(), Notices.Concat(pool.Notices).ToArray(),
            DecodedImages.Merge(Decoded, pool.Decoded, rows.Select(r => r.ImagePath)));
    }

    /// <summary>
    /// The rows as an IDataView of text columns ImagePath (full path), Label, Attribute, Source,
    /// Split and the extra columns; optionally one split and source. Map Label and Attribute to keys
    /// with <c>mlContext.Transforms.Conversion.MapValueToKey</c>, and load pixels with ImageAnalytics'
    /// <c>LoadImages</c> (no image folder needed: paths are full).
    /// </summary>
    public IDataView ToDataView(DataSplit? split = null, SampleSource? source = null)
    {
        string[] columns = ManifestDefaults.Required.Concat(ExtraColumns).ToArray();
        List<string[]> values = Rows
            .Where(r => (split is null || r.Split == split) && (source is null || r.Source == source))
            .Select(r => new[] { r.ImagePath, r.Label, r.Attribute, ImageRow.Format(r.Source), ImageRow.Format(r.Split) }
                .Concat(ExtraColumns.Select(c => r.Extra.GetValueOrDefault(c, string.Empty))).ToArray())
            .ToList();
        return new TextColumnsDataView(columns, values);
    }

    private static ImageManifest Validated(string what, string baseDirectory, IReadOnlyList<string> extraColumns, List<ManifestCandidate> candidates, ManifestLoadOptions options, bool checkFolder)
    {
        (IReadOnlyList<ImageRow> rows, IReadOnlyList<ManifestIssue> skipped, IReadOnlyList<ManifestIssue> notices, DecodedImages? decoded) = ManifestValidation.Validate(what, baseDirectory, candidates, options, checkFolder);
        return new ImageManifest(baseDirectory, extraColumns, rows, skipped, notices, decoded);
    }

    /// <summary>One sentence for the notices of one kind, in the library's terms.</summary>
    private static string Warning(ManifestIssueKind kind, ManifestIssue[] notices)
    {
        return ManifestIssue.Summarize(kind, notices) + (kind == ManifestIssueKind.GrayscaleImage ? " Set FilterGrayscale to leave them out." : string.Empty);
    }
}
