using System.Globalization;
using Ffr.MLNet.Importing;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Cli;

/// <summary>The layouts <c>ffr import</c> reads.</summary>
internal enum ImportFormat
{
    Waterbirds,
    CelebA,
    Csv,
}

/// <summary>ffr import: a downloaded benchmark's own layout (or a CSV with a column mapping) as a manifest.</summary>
internal sealed class ImportCommand : Command
{
    private static readonly WaterbirdsImportOptions WaterbirdsDefaults = new();
    private static readonly CelebAImportOptions CelebADefaults = new();
    private static readonly CsvImportOptions CsvDefaults = new();

    public override string Name => "import";

    public override string Summary => "Turn a downloaded Waterbirds or CelebA, or a CSV with a column mapping, into a manifest.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("format", $"{string.Join(", ", Names.ImportFormats.Keys)}.", Required: true),
        new OptionSpec("root", "The dataset's folder: it holds metadata.csv and the image folders (waterbirds); list_attr_celeba.txt, list_eval_partition.txt and img_align_celeba/ (celeba); the images the CSV names (csv: default the CSV's folder)."),
        new OptionSpec("out", "The manifest CSV to write; inside --root, its paths stay inside the dataset.", Required: true),
        new OptionSpec("label-names", "waterbirds, celeba: the labels of the class's two values (y 0,1; the target's -1,1), comma-separated.",
            Default: $"{string.Join(",", WaterbirdsDefaults.LabelNames)} (waterbirds), not_TARGET,TARGET (celeba)"),
        new OptionSpec("attribute-names", "waterbirds, celeba: the names of the attribute's two values (place 0,1; the spurious attribute's -1,1), comma-separated.",
            Default: $"{string.Join(",", WaterbirdsDefaults.AttributeNames)} (waterbirds), not_SPURIOUS,SPURIOUS (celeba)"),
        new OptionSpec("target", "celeba: the attribute that is the class label.", Default: CelebADefaults.TargetAttribute),
        new OptionSpec("spurious", "celeba: the spurious attribute.", Default: CelebADefaults.SpuriousAttribute),
        new OptionSpec("csv", "csv: the CSV file, a header and one row per image (required with --format csv)."),
        new OptionSpec("path-column", "csv: the column of image paths, relative to --root.", Default: CsvDefaults.ImagePathColumn),
        new OptionSpec("label-column", "csv: the column of labels.", Default: CsvDefaults.LabelColumn),
        new OptionSpec("attribute-column", "csv: the column of spurious attribute values.", Default: CsvDefaults.AttributeColumn),
        new OptionSpec("split-column", "csv: the column of splits; without it, splits are assigned per subgroup (seeded shuffle, --val-fraction and --test-fraction of each subgroup, at least one image each from three images up)."),
        new OptionSpec("split-values", "csv: what the split column's values mean, such as 0=train,1=val,2=test.", Default: "train, val and test as written"),
        new OptionSpec("val-fraction", "csv without --split-column: the share of each subgroup put in val.", Default: Invariant(CsvDefaults.ValidationFraction)),
        new OptionSpec("test-fraction", "csv without --split-column: the share of each subgroup put in test.", Default: Invariant(CsvDefaults.TestFraction)),
        new OptionSpec("seed", "csv without --split-column: the seed of the assignment.", Default: Invariant(CsvDefaults.Seed)),
    }.Concat(Inputs.ManifestOptions).ToArray();

    /// <summary>The options that belong to some formats only, and those formats.</summary>
    private static readonly (string Option, ImportFormat[] Formats)[] FormatOptions =
    {
        ("label-names", new[] { ImportFormat.Waterbirds, ImportFormat.CelebA }), ("attribute-names", new[] { ImportFormat.Waterbirds, ImportFormat.CelebA }),
        ("target", new[] { ImportFormat.CelebA }), ("spurious", new[] { ImportFormat.CelebA }),
        ("csv", new[] { ImportFormat.Csv }), ("path-column", new[] { ImportFormat.Csv }), ("label-column", new[] { ImportFormat.Csv }), ("attribute-column", new[] { ImportFormat.Csv }),
        ("split-column", new[] { ImportFormat.Csv }), ("split-values", new[] { ImportFormat.Csv }),
        ("val-fraction", new[] { ImportFormat.Csv }), ("test-fraction", new[] { ImportFormat.Csv }), ("seed", new[] { ImportFormat.Csv }),
    };

    public override int Run(Arguments args, CliContext context)
    {
        ImportFormat format = args.Enum("format", ImportFormat.Csv, Names.ImportFormats);
        string spelled = Names.ImportFormats.First(p => p.Value == format).Key;
        foreach ((string option, ImportFormat[] formats) in FormatOptions.Where(o => args.Value(o.Option) is not null && !o.Formats.Contains(format)))
        {
            throw new UserErrorException($"--{option} applies to --format {string.Join(" and ", formats.Select(f => Names.ImportFormats.First(p => p.Value == f).Key))} only, not {spelled}.");
        }

        string? root = args.Value("root");
        if (root is null && format != ImportFormat.Csv)
        {
            throw new UserErrorException($"'ffr import --format {spelled}' needs --root: the folder of the download ({(format == ImportFormat.Waterbirds ? "it holds metadata.csv" : "it holds list_attr_celeba.txt and list_eval_partition.txt")}).");
        }

        string output = args.Required("out");
        string[] inputs = format switch
        {
            ImportFormat.Waterbirds => new[] { Path.Combine(root!, "metadata.csv") },
            ImportFormat.CelebA => new[] { Path.Combine(root!, "list_attr_celeba.txt"), Path.Combine(root!, "list_eval_partition.txt") },
            _ => new[] { args.Value("csv") ?? throw new UserErrorException("'ffr import --format csv' needs --csv: the CSV file to import.") },
        };
        if (inputs.FirstOrDefault(i => Path.GetFullPath(i) == Path.GetFullPath(output)) is string input)
        {
            throw new UserErrorException($"--out '{output}' is the input file '{input}'; write the manifest beside it, such as '{Path.Combine(Path.GetDirectoryName(input)!, "manifest.csv")}'.");
        }

        Outputs.Writable("out", output);
        var validation = new ManifestLoadOptions { SkipInvalidRows = args.Flag("skip-invalid-rows"), FilterGrayscale = args.Flag("filter-grayscale") };
        ImageManifest manifest = format switch
        {
            ImportFormat.Waterbirds => ManifestImporter.Waterbirds(root!, new WaterbirdsImportOptions
            {
                LabelNames = TwoNames(args, "label-names", "y 0 and y 1") ?? WaterbirdsDefaults.LabelNames,
                AttributeNames = TwoNames(args, "attribute-names", "place 0 and place 1") ?? WaterbirdsDefaults.AttributeNames,
            }, validation),
            ImportFormat.CelebA => ManifestImporter.CelebA(root!, new CelebAImportOptions
            {
                TargetAttribute = args.Value("target") ?? CelebADefaults.TargetAttribute,
                SpuriousAttribute = args.Value("spurious") ?? CelebADefaults.SpuriousAttribute,
                TargetNames = TwoNames(args, "label-names", "the target's -1 and 1"),
                SpuriousNames = TwoNames(args, "attribute-names", "the spurious attribute's -1 and 1"),
            }, validation),
            _ => ManifestImporter.Csv(inputs[0], CsvOptions(args, root), validation),
        };

        Inputs.Report(manifest, $"'{inputs[0]}'", context);
        manifest.Save(output);
        WriteSummary(manifest, output, context);
        string outFolder = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!(Path.TrimEndingDirectorySeparator(manifest.BaseDirectory) + Path.DirectorySeparatorChar).StartsWith(Path.TrimEndingDirectorySeparator(outFolder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            context.Error.WriteLine($"Warning: the manifest's folder '{outFolder}' does not hold the dataset's folder '{manifest.BaseDirectory}', so its image paths lead outside it; analyze, plan and train read them with a warning. Write --out inside the dataset's folder to keep them inside.");
        }

        return 0;
    }

    private static CsvImportOptions CsvOptions(Arguments args, string? root)
    {
        string? splitColumn = args.Value("split-column");
        if (splitColumn is null && args.Value("split-values") is not null)
        {
            throw new UserErrorException("--split-values maps the values of --split-column; give --split-column too.");
        }

        if (splitColumn is not null && new[] { "val-fraction", "test-fraction", "seed" }.FirstOrDefault(o => args.Value(o) is not null) is string assignment)
        {
            throw new UserErrorException($"--{assignment} assigns splits where the CSV has no split column; with --split-column the splits are the column's.");
        }

        double val = args.Double("val-fraction", CsvDefaults.ValidationFraction, 0, 1, exclusive: false), test = args.Double("test-fraction", CsvDefaults.TestFraction, 0, 1, exclusive: false);
        if (val + test >= 1)
        {
            throw new UserErrorException(string.Create(CultureInfo.InvariantCulture, $"--val-fraction {val} and --test-fraction {test} leave nothing for train; together they must be below 1."));
        }

        return new CsvImportOptions
        {
            ImagePathColumn = args.Value("path-column") ?? CsvDefaults.ImagePathColumn,
            LabelColumn = args.Value("label-column") ?? CsvDefaults.LabelColumn,
            AttributeColumn = args.Value("attribute-column") ?? CsvDefaults.AttributeColumn,
            SplitColumn = splitColumn,
            SplitValues = args.Value("split-values") is string values ? SplitValues(values) : null,
            ValidationFraction = val,
            TestFraction = test,
            Seed = args.Int("seed", CsvDefaults.Seed),
            ImageFolder = root,
        };
    }

    /// <summary>"0=train,1=val,2=test" as a map.</summary>
    private static Dictionary<string, DataSplit> SplitValues(string text)
    {
        var map = new Dictionary<string, DataSplit>(StringComparer.Ordinal);
        foreach (string item in text.Split(',', StringSplitOptions.TrimEntries))
        {
            string[] parts = item.Split('=', StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0 || !Names.Splits.TryGetValue(parts[1].ToLowerInvariant(), out DataSplit split) || !map.TryAdd(parts[0], split))
            {
                throw new UserErrorException($"--split-values '{text}': '{item}' is not VALUE=train, VALUE=val or VALUE=test for a value not mapped yet; give them as 0=train,1=val,2=test.");
            }
        }

        return map;
    }

    /// <summary>Two different names, comma-separated; null when the option is absent.</summary>
    private static string[]? TwoNames(Arguments args, string option, string values)
    {
        if (args.Value(option) is not string text)
        {
            return null;
        }

        string[] names = text.Split(',', StringSplitOptions.TrimEntries);
        return names.Length == 2 && names.All(n => n.Length > 0) && names[0] != names[1]
            ? names
            : throw new UserErrorException($"--{option} '{text}' is not two different names separated by a comma (for {values}, in that order).");
    }

    /// <summary>How many images each subgroup has in each split, and the next command.</summary>
    private static void WriteSummary(ImageManifest manifest, string output, CliContext context)
    {
        DataSplit[] splits = { DataSplit.Train, DataSplit.Val, DataSplit.Test };
        var groups = manifest.Rows.GroupBy(r => $"{r.Label}|{r.Attribute}").OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        int width = Math.Max("subgroup".Length, groups.Max(g => g.Key.Length));
        context.Out.WriteLine($"Imported {manifest.Rows.Count} images from '{manifest.BaseDirectory}' into {output}:");
        context.Out.WriteLine("  " + "subgroup".PadRight(width) + string.Concat(splits.Select(s => ImageRow.Format(s).PadLeft(8))));
        foreach (var group in groups)
        {
            context.Out.WriteLine("  " + group.Key.PadRight(width) + string.Concat(splits.Select(s => Invariant(group.Count(r => r.Split == s)).PadLeft(8))));
        }

        context.Out.WriteLine($"Next: ffr analyze --manifest {output}");
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
