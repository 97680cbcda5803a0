using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Importing;

/// <summary>
/// The one path from a dataset's table to a manifest, shared by every layout: each record's image path,
/// label, attribute and split read through the columns' mappings (every unknown value reported with its
/// line), splits assigned per subgroup where the table has none, and the rows validated as a manifest's
/// are (missing and unreadable images listed, or left out with <see cref="ManifestLoadOptions.SkipInvalidRows"/>).
/// </summary>
internal sealed class TableMapping
{
    public required ColumnRole ImagePath { get; init; }

    /// <summary>Put before every image path (a layout's image folder), with a slash.</summary>
    public string PathPrefix { get; init; } = string.Empty;

    public required ColumnRole Label { get; init; }

    public required ColumnRole Attribute { get; init; }

    /// <summary>The split column; null to assign splits per subgroup.</summary>
    public ColumnRole? Split { get; init; }

    public double ValidationFraction { get; init; } = ImportDefaults.ValidationFraction;

    public double TestFraction { get; init; } = ImportDefaults.TestFraction;

    public int Seed { get; init; } = ImportDefaults.Seed;

    /// <summary>The setting that names the folder the paths are relative to, and how to fix it, for a table none of whose images is there.</summary>
    public required (string Setting, string Advice) Folder { get; init; }

    /// <summary>Maps, validates and returns the manifest of <paramref name="table"/>'s images under <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="ManifestImportException">A column is missing, a value is outside its mapping, no listed image exists, or every row is invalid and left out.</exception>
    /// <exception cref="ManifestValidationException">Rows are invalid (missing or unreadable images, empty values) and skipping them was not asked for.</exception>
    public ImageManifest Apply(LayoutTable table, string baseDirectory, ManifestLoadOptions validation)
    {
        int path = table.Column(ImagePath), label = table.Column(Label), attribute = table.Column(Attribute);
        int split = Split is null ? -1 : table.Column(Split);
        var unknown = new Dictionary<ColumnRole, Dictionary<string, (int Line, int Rows)>>();
        string Read(ColumnRole role, int column, (int Line, string[] Fields) record)
        {
            string raw = record.Fields[column].Trim();
            string? value = role.Values is null ? raw : role.Values.GetValueOrDefault(raw);
            if (role == Split && value is not null && ImageRow.ParseSplit(value) is null)
            {
                value = null;
            }

            if (value is null)
            {
                Dictionary<string, (int Line, int Rows)> values = unknown.TryGetValue(role, out var known) ? known : unknown[role] = new();
                values[raw] = values.TryGetValue(raw, out var seen) ? (seen.Line, seen.Rows + 1) : (record.Line, 1);
            }

            return value ?? string.Empty;
        }

        var rows = table.Records.Select(r => (
            r.Line,
            Path: PathPrefix.Length == 0 ? r.Fields[path].Trim() : PathPrefix + "/" + r.Fields[path].Trim(),
            Label: Read(Label, label, r),
            Attribute: Read(Attribute, attribute, r),
            Split: Split is null ? (DataSplit?)null : ImageRow.ParseSplit(Read(Split, split, r)))).ToArray();
        foreach (ColumnRole role in new[] { Label, Attribute, Split }.OfType<ColumnRole>().Where(unknown.ContainsKey))
        {
            string values = string.Join(", ", unknown[role].Take(10).Select(v => $"'{v.Key}' (line {v.Value.Line}{(v.Value.Rows > 1 ? $" and {v.Value.Rows - 1} more row(s)" : string.Empty)})"))
                + (unknown[role].Count > 10 ? ", ..." : string.Empty);
            string knows = role.Values is null ? "train, val and test (any case)" : string.Join(", ", role.Values.Select(v => $"{v.Key} ({v.Value})"));
            throw new ManifestImportException(
                $"Column '{role.Column}' of {table.What} has {unknown[role].Count} value(s) that the {role.Role} mapping does not know: {values}; it knows {knows}.", role.ValueSetting, role.ValueAdvice);
        }

        DataSplit[] splits = Split is null
            ? Assign(rows.Select(r => (r.Label, r.Attribute)).ToArray())
            : rows.Select(r => r.Split!.Value).ToArray();
        ImageManifest manifest;
        try
        {
            manifest = ImageManifest.FromImport(table.What, baseDirectory, rows.Select((r, i) => (r.Line, r.Path, r.Label, r.Attribute, splits[i])), validation);
        }
        catch (ManifestValidationException ex) when (ex.Issues.Count == rows.Length && ex.Issues.All(i => i.Kind == ManifestIssueKind.MissingFile))
        {
            throw NoneThere(table, baseDirectory, rows[0].Path);
        }

        if (manifest.Rows.Count == 0)
        {
            if (manifest.Skipped.All(i => i.Kind == ManifestIssueKind.MissingFile))
            {
                throw NoneThere(table, baseDirectory, rows[0].Path);
            }

            throw new ManifestImportException(
                $"Every one of the {rows.Length} rows of {table.What} is invalid, so nothing is left to import:{Environment.NewLine}{ManifestValidationException.List(manifest.Skipped)}", null, "Fix the rows listed.");
        }

        return manifest;
    }

    private ManifestImportException NoneThere(LayoutTable table, string baseDirectory, string firstPath) =>
        new($"None of the {table.Records.Count} images that {table.What} lists exists under '{Path.GetFullPath(baseDirectory)}' (the first would be '{Path.Combine(Path.GetFullPath(baseDirectory), firstPath)}').", Folder.Setting, Folder.Advice);

    /// <summary>
    /// Splits for a table without a split column: per subgroup (in ordinal order of label and attribute, rows in
    /// table order), a shuffle seeded with <see cref="Seed"/>; the first share goes to val, the next to test,
    /// each at least one image when the subgroup has three or more, the rest to train.
    /// </summary>
    private DataSplit[] Assign(IReadOnlyList<(string Label, string Attribute)> subgroups)
    {
        var splits = new DataSplit[subgroups.Count];
        var random = new Random(Seed);
        foreach (var group in Enumerable.Range(0, subgroups.Count).GroupBy(i => subgroups[i]).OrderBy(g => g.Key.Label, StringComparer.Ordinal).ThenBy(g => g.Key.Attribute, StringComparer.Ordinal))
        {
            int[] members = group.ToArray();
            random.Shuffle(members);
            int Share(double fraction) => fraction <= 0 ? 0 : Math.Max(members.Length >= 3 ? 1 : 0, (int)Math.Round(members.Length * fraction, MidpointRounding.AwayFromZero));
            int val = Share(ValidationFraction), test = Math.Min(Share(TestFraction), members.Length - val);
            for (int k = 0; k < members.Length; k++)
            {
                splits[members[k]] = k < val ? DataSplit.Val : k < val + test ? DataSplit.Test : DataSplit.Train;
            }
        }

        return splits;
    }
}
