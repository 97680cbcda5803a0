using System.CommandLine;
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
internal sealed class ImportCommand : CliCommand
{
    private static readonly WaterbirdsImportOptions WaterbirdsDefaults = new();
    private static readonly CelebAImportOptions CelebADefaults = new();
    private static readonly CsvImportOptions CsvDefaults = new();

    private readonly CliOption<ImportFormat> _format = CliOptions.RequiredChoice("--format", $"{string.Join(", ", Names.ImportFormats.Keys)}.", Names.ImportFormats);
    private readonly CliOption<string?> _root = CliOptions.Text("--root",
        "The dataset's folder: it holds metadata.csv and the image folders (waterbirds); list_attr_celeba.txt, list_eval_partition.txt and img_align_celeba/ (celeba); the images the CSV names (csv: default the CSV's folder).");
    private readonly CliOption<string> _out = CliOptions.Required("--out", "The manifest CSV to write; inside --root, its paths stay inside the dataset.", "-o");
    private readonly CliOption<string?> _labelNames = Described("--label-names", "waterbirds, celeba: the labels of the class's two values (y 0,1; the target's -1,1), comma-separated.",
        $"{string.Join(",", WaterbirdsDefaults.LabelNames)} (waterbirds), not_TARGET,TARGET (celeba)");
    private readonly CliOption<string?> _attributeNames = Described("--attribute-names", "waterbirds, celeba: the names of the attribute's two values (place 0,1; the spurious attribute's -1,1), comma-separated.",
        $"{string.Join(",", WaterbirdsDefaults.AttributeNames)} (waterbirds), not_SPURIOUS,SPURIOUS (celeba)");
    private readonly CliOption<string> _target = CliOptions.Text("--target", "celeba: the attribute that is the class label.", CelebADefaults.TargetAttribute);
    private readonly CliOption<string> _spurious = CliOptions.Text("--spurious", "celeba: the spurious attribute.", CelebADefaults.SpuriousAttribute);
    private readonly CliOption<string?> _csv = CliOptions.Text("--csv", "csv: the CSV file, a header and one row per image (required with --format csv).");
    private readonly CliOption<string> _pathColumn = CliOptions.Text("--path-column", "csv: the column of image paths, relative to --root.", CsvDefaults.ImagePathColumn);
    private readonly CliOption<string> _labelColumn = CliOptions.Text("--label-column", "csv: the column of labels.", CsvDefaults.LabelColumn);
    private readonly CliOption<string> _attributeColumn = CliOptions.Text("--attribute-column", "csv: the column of spurious attribute values.", CsvDefaults.AttributeColumn);
    private readonly CliOption<string?> _splitColumn = CliOptions.Text("--split-column",
        "csv: the column of splits; without it, splits are assigned per subgroup (seeded shuffle, --val-fraction and --test-fraction of each subgroup, at least one image each from three images up).");
    private readonly CliOption<string?> _splitValues = Described("--split-values", "csv: what the split column's values mean, such as 0=train,1=val,2=test.", "train, val and test as written");
    private readonly CliOption<double> _valFraction = CliOptions.Number("--val-fraction", "csv without --split-column: the share of each subgroup put in val.", CsvDefaults.ValidationFraction, 0, 1, exclusive: false);
    private readonly CliOption<double> _testFraction = CliOptions.Number("--test-fraction", "csv without --split-column: the share of each subgroup put in test.", CsvDefaults.TestFraction, 0, 1, exclusive: false);
    private readonly CliOption<int> _seed = CliOptions.Int("--seed", "csv without --split-column: the seed of the assignment.", CsvDefaults.Seed);
    private readonly ManifestValidation _validation = new();

    /// <summary>The options that belong to some formats only, and those formats.</summary>
    private readonly (Option Option, ImportFormat[] Formats)[] _formatOptions;

    public ImportCommand()
        : base("import", "Turn a downloaded Waterbirds or CelebA, or a CSV with a column mapping, into a manifest.")
    {
        Add(new Option[]
        {
            _format, _root, _out, _labelNames, _attributeNames, _target, _spurious, _csv, _pathColumn, _labelColumn, _attributeColumn, _splitColumn, _splitValues, _valFraction, _testFraction, _seed,
        });
        Add(_validation.Options);
        ImportFormat[] named = { ImportFormat.Waterbirds, ImportFormat.CelebA }, celeba = { ImportFormat.CelebA }, csv = { ImportFormat.Csv };
        _formatOptions = new (Option, ImportFormat[])[]
        {
            (_labelNames, named), (_attributeNames, named), (_target, celeba), (_spurious, celeba),
            (_csv, csv), (_pathColumn, csv), (_labelColumn, csv), (_attributeColumn, csv), (_splitColumn, csv), (_splitValues, csv), (_valFraction, csv), (_testFraction, csv), (_seed, csv),
        };
    }

    public override int Run(ParseResult args, CliContext context)
    {
        ImportFormat format = args.GetValue(_format);
        string spelled = Names.ImportFormats.First(p => p.Value == format).Key;
        foreach ((Option option, ImportFormat[] formats) in _formatOptions.Where(o => args.Given(o.Option) && !o.Formats.Contains(format)))
        {
            throw new UserErrorException($"{option.Name} applies to --format {string.Join(" and ", formats.Select(f => Names.ImportFormats.First(p => p.Value == f).Key))} only, not {spelled}.");
        }

        string? root = args.GetValue(_root);
        if (root is null && format != ImportFormat.Csv)
        {
            throw new UserErrorException($"'ffr import --format {spelled}' needs --root: the folder of the download ({(format == ImportFormat.Waterbirds ? "it holds metadata.csv" : "it holds list_attr_celeba.txt and list_eval_partition.txt")}).");
        }

        string output = args.Value(_out);
        string[] inputs = format switch
        {
            ImportFormat.Waterbirds => new[] { Path.Combine(root!, "metadata.csv") },
            ImportFormat.CelebA => new[] { Path.Combine(root!, "list_attr_celeba.txt"), Path.Combine(root!, "list_eval_partition.txt") },
            _ => new[] { args.GetValue(_csv) ?? throw new UserErrorException("'ffr import --format csv' needs --csv: the CSV file to import.") },
        };
        if (inputs.FirstOrDefault(i => Path.GetFullPath(i) == Path.GetFullPath(output)) is string input)
        {
            throw new UserErrorException($"--out '{output}' is the input file '{input}'; write the manifest beside it, such as '{Path.Combine(Path.GetDirectoryName(input)!, "manifest.csv")}'.");
        }

        Outputs.Writable(_out, output);
        ManifestLoadOptions validation = _validation.LoadOptions(args);
        ImageManifest manifest = format switch
        {
            ImportFormat.Waterbirds => ManifestImporter.Waterbirds(root!, new WaterbirdsImportOptions
            {
                LabelNames = TwoNames(args, _labelNames, "y 0 and y 1") ?? WaterbirdsDefaults.LabelNames,
                AttributeNames = TwoNames(args, _attributeNames, "place 0 and place 1") ?? WaterbirdsDefaults.AttributeNames,
            }, validation),
            ImportFormat.CelebA => ManifestImporter.CelebA(root!, new CelebAImportOptions
            {
                TargetAttribute = args.Value(_target),
                SpuriousAttribute = args.Value(_spurious),
                TargetNames = TwoNames(args, _labelNames, "the target's -1 and 1"),
                SpuriousNames = TwoNames(args, _attributeNames, "the spurious attribute's -1 and 1"),
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

    private CsvImportOptions CsvOptions(ParseResult args, string? root)
    {
        string? splitColumn = args.GetValue(_splitColumn);
        if (splitColumn is null && args.Given(_splitValues))
        {
            throw new UserErrorException("--split-values maps the values of --split-column; give --split-column too.");
        }

        if (splitColumn is not null && new Option[] { _valFraction, _testFraction, _seed }.FirstOrDefault(args.Given) is Option assignment)
        {
            throw new UserErrorException($"{assignment.Name} assigns splits where the CSV has no split column; with --split-column the splits are the column's.");
        }

        double val = args.GetValue(_valFraction), test = args.GetValue(_testFraction);
        if (val + test >= 1)
        {
            throw new UserErrorException(string.Create(CultureInfo.InvariantCulture, $"--val-fraction {val} and --test-fraction {test} leave nothing for train; together they must be below 1."));
        }

        return new CsvImportOptions
        {
            ImagePathColumn = args.Value(_pathColumn),
            LabelColumn = args.Value(_labelColumn),
            AttributeColumn = args.Value(_attributeColumn),
            SplitColumn = splitColumn,
            SplitValues = args.GetValue(_splitValues) is string values ? SplitValues(values) : null,
            ValidationFraction = val,
            TestFraction = test,
            Seed = args.GetValue(_seed),
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
    private static string[]? TwoNames(ParseResult args, CliOption<string?> option, string values)
    {
        if (args.GetValue(option) is not string text)
        {
            return null;
        }

        string[] names = text.Split(',', StringSplitOptions.TrimEntries);
        return names.Length == 2 && names.All(n => n.Length > 0) && names[0] != names[1]
            ? names
            : throw new UserErrorException($"{option.Name} '{text}' is not two different names separated by a comma (for {values}, in that order).");
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

    /// <summary>A text that may be left out, whose default (in help) depends on other options.</summary>
    private static CliOption<string?> Described(string name, string description, string defaultText) =>
        new(name, description, Array.Empty<string>()) { Arity = ArgumentArity.ExactlyOne, DefaultText = defaultText };
}
