using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Importing;

/// <summary>
/// Turns the published layouts of the group-robustness benchmarks, and any CSV with a column mapping,
/// into a manifest of real images: <see cref="Waterbirds"/>, <see cref="CelebA"/> and <see cref="Csv"/>.
/// The rows are validated as a manifest's are (every image exists and decodes, unless
/// <see cref="ManifestLoadOptions.VerifyImages"/> is off); <see cref="ImageManifest.Save"/> writes the
/// manifest that <c>ImageManifest.Load</c>, training and the <c>ffr</c> tool read. Keep the saved file
/// inside the dataset's folder so that its paths stay inside it.
/// </summary>
public static class ManifestImporter
{
    /// <summary>
    /// Waterbirds (Sagawa et al., 2020): <c>metadata.csv</c> in <paramref name="root"/> lists every image
    /// (<c>img_filename</c>, relative to <paramref name="root"/>) with its class <c>y</c>, its background
    /// <c>place</c> and its <c>split</c> (0 train, 1 val, 2 test).
    /// </summary>
    /// <param name="root">The dataset's folder, holding <c>metadata.csv</c> and the image folders.</param>
    /// <param name="options">Names of the classes and backgrounds; null for landbird/waterbird and land/water.</param>
    /// <param name="validation">How rows are validated; by default an invalid row (a missing image) fails the import with the full list.</param>
    /// <exception cref="ManifestImportException">The folder or <c>metadata.csv</c> is missing, a column is missing, a value is not 0 or 1 (0, 1 or 2 for the split), or no listed image exists.</exception>
    /// <exception cref="ManifestValidationException">Images are missing or unreadable and <see cref="ManifestLoadOptions.SkipInvalidRows"/> is false.</exception>
    public static ImageManifest Waterbirds(string root, WaterbirdsImportOptions? options = null, ManifestLoadOptions? validation = null)
    {
        options ??= new WaterbirdsImportOptions();
        const string layout = "Waterbirds' metadata.csv has the columns img_filename, y (0 or 1), split (0, 1 or 2) and place (0 or 1)";
        const string damaged = "The file is damaged or not Waterbirds' metadata.csv; download the dataset again, or import another layout as a CSV with a column mapping.";
        string metadata = RequireFile(RequireFolder(root, "metadata.csv and the image folders"), ImportDefaults.WaterbirdsMetadata, "Waterbirds metadata");
        IReadOnlyDictionary<string, string> labels = Coding(options.LabelNames, nameof(options.LabelNames)), places = Coding(options.AttributeNames, nameof(options.AttributeNames));
        ColumnRole Fixed(string role, string column, IReadOnlyDictionary<string, string>? values) => new(role, column, values, null, $"{layout}. {damaged}", null, damaged);
        var mapping = new TableMapping
        {
            ImagePath = Fixed("image path", ImportDefaults.WaterbirdsPath, null),
            Label = Fixed("label", ImportDefaults.WaterbirdsLabel, labels),
            Attribute = Fixed("attribute", ImportDefaults.WaterbirdsPlace, places),
            Split = Fixed("split", ImportDefaults.WaterbirdsSplit, ImportDefaults.NumberedSplits),
            Folder = ("root", "Pass the folder that holds metadata.csv and the images' folders (such as waterbird_complete95_forest2water2)."),
        };
        return mapping.Apply(LayoutTable.ReadCsv(metadata, $"Waterbirds metadata '{metadata}'"), root, validation ?? new ManifestLoadOptions());
    }

    /// <summary>
    /// CelebA (Liu et al., 2015) with one attribute as the class and another as the spurious attribute
    /// (Blond_Hair and Male by default, the group-robustness setting): <c>list_attr_celeba.txt</c> and
    /// <c>list_eval_partition.txt</c> in <paramref name="root"/>, images in <see cref="CelebAImportOptions.ImageFolder"/>.
    /// </summary>
    /// <param name="root">The dataset's folder.</param>
    /// <param name="options">The target and spurious attributes and their value names; null for the defaults.</param>
    /// <param name="validation">How rows are validated; by default an invalid row (a missing image) fails the import with the full list.</param>
    /// <exception cref="ManifestImportException">A file is missing or damaged, an attribute is not one of the file's (the message lists them), an image has no partition, or no listed image exists.</exception>
    /// <exception cref="ManifestValidationException">Images are missing or unreadable and <see cref="ManifestLoadOptions.SkipInvalidRows"/> is false.</exception>
    public static ImageManifest CelebA(string root, CelebAImportOptions? options = null, ManifestLoadOptions? validation = null)
    {
        options ??= new CelebAImportOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.TargetAttribute);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.SpuriousAttribute);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ImageFolder);
        string folder = RequireFolder(root, $"{ImportDefaults.CelebAAttributes}, {ImportDefaults.CelebAPartition} and {ImportDefaults.CelebAImageFolder}/");
        string attributes = RequireFile(folder, ImportDefaults.CelebAAttributes, "CelebA attribute list");
        string partition = RequireFile(folder, ImportDefaults.CelebAPartition, "CelebA partition list");
        LayoutTable table = CelebATables.Read(attributes, partition, out string partitionColumn);
        foreach ((string name, string setting) in new[] { (options.TargetAttribute, nameof(options.TargetAttribute)), (options.SpuriousAttribute, nameof(options.SpuriousAttribute)) })
        {
            if (!table.Header.Skip(1).SkipLast(1).Contains(name, StringComparer.Ordinal))
            {
                throw new ManifestImportException(
                    $"'{name}' is not an attribute of {table.What}; its attributes are {string.Join(", ", table.Header.Skip(1).SkipLast(1))} (names are case-sensitive).", setting, $"Set CelebAImportOptions.{setting} to one of them.");
            }
        }

        if (options.TargetAttribute == options.SpuriousAttribute)
        {
            throw new ManifestImportException($"The target and the spurious attribute are both '{options.TargetAttribute}'.", nameof(options.SpuriousAttribute), "Set CelebAImportOptions.SpuriousAttribute to another attribute.");
        }

        const string damaged = "The file is damaged; download CelebA's lists again.";
        ColumnRole Attribute(string role, string name, IReadOnlyList<string>? names) =>
            new(role, name, Coding(names ?? new[] { ImportDefaults.CelebANegativePrefix + name, name }, role == "label" ? nameof(options.TargetNames) : nameof(options.SpuriousNames), "-1", "1"), null, damaged, null, damaged);
        var mapping = new TableMapping
        {
            ImagePath = new ColumnRole("image path", table.Header[0], null, null, damaged, null, damaged),
            PathPrefix = options.ImageFolder,
            Label = Attribute("label", options.TargetAttribute, options.TargetNames),
            Attribute = Attribute("attribute", options.SpuriousAttribute, options.SpuriousNames),
            Split = new ColumnRole("split", partitionColumn, ImportDefaults.NumberedSplits, null, damaged, null, damaged),
            Folder = ("root", $"Pass the folder that holds {ImportDefaults.CelebAAttributes} and the image folder '{options.ImageFolder}', or set CelebAImportOptions.ImageFolder."),
        };
        return mapping.Apply(table, root, validation ?? new ManifestLoadOptions());
    }

    /// <summary>
    /// A CSV file with a header and one row per image, its columns named by <paramref name="options"/>;
    /// without a split column, splits are assigned per subgroup (see <see cref="CsvImportOptions"/>).
    /// </summary>
    /// <param name="csvPath">The CSV file.</param>
    /// <param name="options">The column mapping; null for the columns ImagePath, Label and Attribute and assigned splits.</param>
    /// <param name="validation">How rows are validated; by default an invalid row (a missing image) fails the import with the full list.</param>
    /// <exception cref="ManifestImportException">The file is missing or damaged, a named column is missing (the message lists the columns), a split value is not mapped, or no listed image exists.</exception>
    /// <exception cref="ManifestValidationException">Rows are invalid (missing or unreadable images, empty values) and <see cref="ManifestLoadOptions.SkipInvalidRows"/> is false.</exception>
    public static ImageManifest Csv(string csvPath, CsvImportOptions? options = null, ManifestLoadOptions? validation = null)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        options ??= new CsvImportOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.ValidationFraction);
        ArgumentOutOfRangeException.ThrowIfNegative(options.TestFraction);
        if (options.ValidationFraction + options.TestFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"ValidationFraction ({options.ValidationFraction}) and TestFraction ({options.TestFraction}) together must leave a share for train (below 1).");
        }

        string full = Path.GetFullPath(csvPath);
        if (Directory.Exists(full) || !File.Exists(full))
        {
            throw new ManifestImportException($"CSV file '{csvPath}' {(Directory.Exists(full) ? "is a folder, not a file" : "was not found")}.", "csvPath", "Pass the path of a CSV file with a header and one row per image.");
        }

        string folder = options.ImageFolder is string imageFolder ? RequireFolder(imageFolder, "the images the CSV names", nameof(options.ImageFolder)) : Path.GetDirectoryName(full)!;
        ColumnRole Column(string role, string column, string setting) =>
            new(role, column, null, setting, $"Set CsvImportOptions.{setting} to one of them.", null, string.Empty);
        var mapping = new TableMapping
        {
            ImagePath = Column("image path", options.ImagePathColumn, nameof(options.ImagePathColumn)),
            Label = Column("label", options.LabelColumn, nameof(options.LabelColumn)),
            Attribute = Column("attribute", options.AttributeColumn, nameof(options.AttributeColumn)),
            Split = options.SplitColumn is string split
                ? new ColumnRole("split", split, options.SplitValues?.ToDictionary(p => p.Key, p => ImageRow.Format(p.Value), StringComparer.Ordinal), nameof(options.SplitColumn), "Set CsvImportOptions.SplitColumn to one of them, or to null to assign splits.",
                    nameof(options.SplitValues), "Map every value in CsvImportOptions.SplitValues.")
                : null,
            ValidationFraction = options.ValidationFraction,
            TestFraction = options.TestFraction,
            Seed = options.Seed,
            Folder = (options.ImageFolder is null ? "csvPath" : nameof(options.ImageFolder), "Set CsvImportOptions.ImageFolder to the folder the paths are relative to."),
        };
        return mapping.Apply(LayoutTable.ReadCsv(full, $"CSV file '{full}'"), folder, validation ?? new ManifestLoadOptions());
    }

    /// <summary>The full path of the dataset folder <paramref name="root"/>.</summary>
    private static string RequireFolder(string root, string holds, string setting = "root")
    {
        ArgumentNullException.ThrowIfNull(root);
        string full = Path.GetFullPath(root);
        return Directory.Exists(full)
            ? full
            : throw new ManifestImportException($"Dataset folder '{root}' {(File.Exists(full) ? "is a file, not a folder" : "was not found")}.", setting, $"Pass the folder that holds {holds}.");
    }

    /// <summary>The full path of the layout's file <paramref name="name"/> in <paramref name="folder"/>.</summary>
    private static string RequireFile(string folder, string name, string what)
    {
        string path = Path.Combine(folder, name);
        return File.Exists(path)
            ? path
            : throw new ManifestImportException($"{what} '{path}' was not found{(Directory.Exists(path) ? " (it is a folder)" : string.Empty)}.", "root", $"Pass the dataset's folder, the one that holds {name}.");
    }

    /// <summary>Two value names for a binary column's codes (0 and 1 by default), in that order.</summary>
    private static IReadOnlyDictionary<string, string> Coding(IReadOnlyList<string> names, string setting, string first = "0", string second = "1")
    {
        ArgumentNullException.ThrowIfNull(names, setting);
        if (names.Count != 2 || names.Any(string.IsNullOrWhiteSpace) || names[0] == names[1])
        {
            throw new ArgumentException($"{setting} must hold two different, non-empty names (for {first} and {second}); it holds {names.Count}: {string.Join(", ", names.Select(n => $"'{n}'"))}.", setting);
        }

        return new Dictionary<string, string>(StringComparer.Ordinal) { [first] = names[0].Trim(), [second] = names[1].Trim() };
    }
}
