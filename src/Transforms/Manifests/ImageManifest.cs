using System.Collections.Concurrent;
using System.Text;
using Ffr.MLNet.IO;
using Ffr.MLNet.Images;
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
    private ImageManifest(string baseDirectory, IReadOnlyList<string> extraColumns, IReadOnlyList<ImageRow> rows, IReadOnlyList<ManifestIssue> skipped, IReadOnlyList<ManifestIssue> notices)
    {
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
        string full = InputFile.Require(manifestPath, "Manifest", "Pass the path of a CSV file with the header ImagePath,Label,Attribute,Source,Split.");
        string baseDirectory = Path.GetDirectoryName(full)!;
        List<(int Line, string[] Fields)> records;
        using (var reader = new StreamReader(full, Encoding.UTF8))
        {
            records = Csv.Read(reader).ToList();
        }

        if (records.Count == 0)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' is empty; its first line must be the header ImagePath,Label,Attribute,Source,Split.");
        }

        string[] header = records[0].Fields.Select(h => h.Trim()).ToArray();
        foreach (IGrouping<string, int> twice in Enumerable.Range(0, header.Length).GroupBy(i => header[i], StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new InvalidDataException(
                $"Manifest '{manifestPath}' names the column '{twice.Key}' {twice.Count()} times (columns {string.Join(" and ", twice.Select(i => i + 1))} of the header); rename or remove all but one, so that no value is silently ignored.");
        }

        string[] missing = ManifestDefaults.Required.Where(r => !header.Contains(r, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException(
                $"Manifest '{manifestPath}' lacks the column(s) {string.Join(", ", missing)}; its header is '{string.Join(",", header)}'. The header must hold ImagePath,Label,Attribute,Source,Split (names are case-sensitive).");
        }

        if (records.Count == 1)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' has a header but no rows; add one row per image (ImagePath,Label,Attribute,Source,Split).");
        }

        int Index(string name) => Array.IndexOf(header, name);
        int path = Index(ManifestDefaults.ImagePath), label = Index(ManifestDefaults.Label), attribute = Index(ManifestDefaults.Attribute);
        int source = Index(ManifestDefaults.Source), split = Index(ManifestDefaults.Split);
        string[] extraColumns = header.Where(h => !ManifestDefaults.Required.Contains(h, StringComparer.Ordinal)).ToArray();

        var candidates = new List<Candidate>();
        var issues = new List<ManifestIssue>();
        foreach ((int line, string[] fields) in records.Skip(1))
        {
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"Manifest '{manifestPath}' line {line} has {fields.Length} fields; the header has {header.Length}. Quote fields that contain commas.");
            }

            string relative = fields[path].Trim();
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string column in extraColumns)
            {
                extra[column] = fields[Index(column)];
            }

            candidates.Add(new Candidate(line, relative, fields[label].Trim(), fields[attribute].Trim(), fields[source].Trim(), fields[split].Trim(), extra));
        }

        return Validate($"Manifest '{manifestPath}'", baseDirectory, extraColumns, candidates, issues, options, checkFolder: true);
    }

    /// <summary>
    /// Loads a folder laid out as <c>root/&lt;label&gt;/&lt;attribute&gt;/*.{png,jpg,jpeg,bmp,webp}</c>,
    /// every image of the given source and split, validated as a manifest is.
    /// </summary>
    public static ImageManifest FromFolder(string root, SampleSource source, DataSplit split = DataSplit.Train, ManifestLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        options ??= new ManifestLoadOptions();
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder '{root}' was not found. Pass a folder laid out as <label>/<attribute>/<image files>.");
        }

        var candidates = new List<Candidate>();
        foreach (string labelDir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (string attributeDir in Directory.GetDirectories(labelDir).Order(StringComparer.Ordinal))
            {
                foreach (string file in Directory.GetFiles(attributeDir).Order(StringComparer.Ordinal))
                {
                    if (ManifestDefaults.ImageExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
                    {
                        candidates.Add(new Candidate(0, Path.GetRelativePath(root, file), Path.GetFileName(labelDir), Path.GetFileName(attributeDir),
                            ImageRow.Format(source), ImageRow.Format(split), new Dictionary<string, string>()));
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            throw new InvalidDataException($"Image folder '{root}' holds no images under <label>/<attribute>/ (looked for {string.Join(", ", ManifestDefaults.ImageExtensions)}).");
        }

        return Validate($"Image folder '{root}'", Path.GetFullPath(root), Array.Empty<string>(), candidates, new List<ManifestIssue>(), options, checkFolder: false);
    }

    /// <summary>
    /// Real rows read from another layout (a benchmark's metadata, a CSV with its own columns), validated
    /// as a manifest's rows are: <paramref name="what"/> names the file the lines belong to, paths are
    /// relative to <paramref name="baseDirectory"/>.
    /// </summary>
    internal static ImageManifest FromImport(string what, string baseDirectory, IEnumerable<(int Line, string Path, string Label, string Attribute, DataSplit Split)> rows, ManifestLoadOptions options)
    {
        var candidates = rows.Select(r => new Candidate(r.Line, r.Path, r.Label, r.Attribute, ImageRow.Format(SampleSource.Real), ImageRow.Format(r.Split), ImageRow.EmptyExtra)).ToList();
        return Validate(what, Path.GetFullPath(baseDirectory), Array.Empty<string>(), candidates, new List<ManifestIssue>(), options, checkFolder: false);
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
        return new ImageManifest(BaseDirectory, extra, ownReal.Concat(pool.Rows).ToArray(), Skipped.Concat(pool.Skipped).ToArray(), Notices.Concat(pool.Notices).ToArray());
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

    private sealed record Candidate(int Line, string Path, string Label, string Attribute, string Source, string Split, IReadOnlyDictionary<string, string> Extra);

    private static ImageManifest Validate(string what, string baseDirectory, IReadOnlyList<string> extraColumns, List<Candidate> candidates, List<ManifestIssue> issues, ManifestLoadOptions options, bool checkFolder)
    {
        var rows = new ImageRow?[candidates.Count];
        var rowIssues = new ConcurrentDictionary<int, ManifestIssue>();
        var grayscale = new ConcurrentDictionary<int, bool>();

        Parallel.For(0, candidates.Count, i =>
        {
            Candidate c = candidates[i];
            bool gray = false;
            ManifestIssue? issue = CheckFields(c) ?? CheckFile(c, baseDirectory, options.VerifyImages, out gray);
            if (issue is not null)
            {
                rowIssues[i] = issue;
                return;
            }

            grayscale[i] = gray;
            rows[i] = new ImageRow
            {
                ImagePath = Path.GetFullPath(Path.Combine(baseDirectory, c.Path)),
                Label = c.Label,
                Attribute = c.Attribute,
                Source = ImageRow.ParseSource(c.Source)!.Value,
                Split = ImageRow.ParseSplit(c.Split)!.Value,
                Line = c.Line,
                Extra = c.Extra,
            };
        });

        var notices = new List<ManifestIssue>();
        bool anyColour = grayscale.Values.Any(g => !g);
        int[] grayRows = grayscale.Where(g => g.Value).Select(g => g.Key).Order().ToArray();
        if (anyColour && grayRows.Length > 0)
        {
            foreach (int i in grayRows)
            {
                string message = $"'{candidates[i].Path}' is grayscale among RGB images.";
                if (options.FilterGrayscale)
                {
                    rowIssues[i] = new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.GrayscaleImage, message + " Grayscale images are filtered (FilterGrayscale).");
                    rows[i] = null;
                }
            }

            if (!options.FilterGrayscale)
            {
                notices.AddRange(grayRows.Select(i => new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.GrayscaleImage, $"'{candidates[i].Path}' is grayscale among RGB images; it was kept.")));
            }
        }

        if (checkFolder)
        {
            string inside = Path.TrimEndingDirectorySeparator(baseDirectory) + Path.DirectorySeparatorChar;
            notices.AddRange(Enumerable.Range(0, rows.Length)
                .Where(i => rows[i] is ImageRow row && !row.ImagePath.StartsWith(inside, StringComparison.Ordinal))
                .Select(i => new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.OutsideManifestFolder, $"'{candidates[i].Path}' is outside the manifest's folder; it was read from '{rows[i]!.ImagePath}'.")));
        }

        // Synthetic labels and attributes must exist among the real rows.
        var realLabels = rows.Where(r => r?.Source == SampleSource.Real).Select(r => r!.Label).ToHashSet(StringComparer.Ordinal);
        var realAttributes = rows.Where(r => r?.Source == SampleSource.Real).Select(r => r!.Attribute).ToHashSet(StringComparer.Ordinal);
        if (realLabels.Count > 0)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] is { Source: SampleSource.Synthetic } row && (!realLabels.Contains(row.Label) || !realAttributes.Contains(row.Attribute)))
                {
                    string what2 = !realLabels.Contains(row.Label) ? $"label '{row.Label}'" : $"attribute '{row.Attribute}'";
                    rowIssues[i] = new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.UnknownSubgroupValue,
                        $"'{candidates[i].Path}' is synthetic with {what2}, which no real row has; fix the value or add real images of it.");
                    rows[i] = null;
                }
            }
        }

        issues.AddRange(rowIssues.OrderBy(p => p.Key).Select(p => p.Value));
        if (issues.Count > 0 && !options.SkipInvalidRows)
        {
            throw new ManifestValidationException(what, issues);
        }

        return new ImageManifest(baseDirectory, extraColumns, rows.Where(r => r is not null).ToArray()!, issues, notices);
    }

    /// <summary>One sentence for the notices of one kind, in the library's terms.</summary>
    private static string Warning(ManifestIssueKind kind, ManifestIssue[] notices)
    {
        return ManifestIssue.Summarize(kind, notices) + (kind == ManifestIssueKind.GrayscaleImage ? " Set FilterGrayscale to leave them out." : string.Empty);
    }

    private static ManifestIssue? CheckFields(Candidate c)
    {
        if (c.Path.Length == 0 || c.Label.Length == 0 || c.Attribute.Length == 0)
        {
            string column = c.Path.Length == 0 ? ManifestDefaults.ImagePath : c.Label.Length == 0 ? ManifestDefaults.Label : ManifestDefaults.Attribute;
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.MissingValue, $"'{c.Path}' has an empty {column}; every row needs an ImagePath, a Label and an Attribute.");
        }

        if (ImageRow.ParseSource(c.Source) is null)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnknownSource, $"'{c.Path}' has Source '{c.Source}'; use real or synthetic.");
        }

        if (ImageRow.ParseSplit(c.Split) is not DataSplit split)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnknownSplit, $"'{c.Path}' has Split '{c.Split}'; use train, val or test.");
        }

        if (ImageRow.ParseSource(c.Source) == SampleSource.Synthetic && split != DataSplit.Train)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnknownSplit, $"'{c.Path}' is synthetic with Split '{c.Split}'; synthetic images are training images only (Split train).");
        }

        return null;
    }

    private static ManifestIssue? CheckFile(Candidate c, string baseDirectory, bool verify, out bool grayscale)
    {
        grayscale = false;
        string full = Path.Combine(baseDirectory, c.Path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.MissingFile, $"'{c.Path}' was not found (looked at '{full}').");
        }

        if (info.Length == 0)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.ZeroSizeImage, $"'{c.Path}' is an empty file.");
        }

        if (!verify)
        {
            return null;
        }

        try
        {
            using FileStream stream = File.OpenRead(full);
            RgbImage image = RgbImage.Decode(stream, c.Path, out bool storedAsGray);
            grayscale = storedAsGray || image.IsGrayscale();
            return null;
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("has no pixels", StringComparison.Ordinal))
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.ZeroSizeImage, ex.Message);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnreadableImage, ex.Message);
        }
    }
}
