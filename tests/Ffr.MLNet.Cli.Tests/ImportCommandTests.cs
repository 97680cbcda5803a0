using System.Text.Json;

namespace Ffr.MLNet.Cli.Tests;

/// <summary>ffr import on tiny copies of the benchmarks' published layouts, then the commands that read its manifest.</summary>
[Collection(CliCollection.Name)]
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ffr-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Waterbirds()
    {
        string root = Path.Combine(_folder, "waterbird_complete95_forest2water2");
        BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows());
        return root;
    }

    private string CelebA()
    {
        string root = Path.Combine(_folder, "celeba");
        BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());
        return root;
    }

    private static Dictionary<string, int> Groups(string analyzeJson)
    {
        using JsonDocument json = JsonDocument.Parse(analyzeJson);
        return json.RootElement.GetProperty("groups").EnumerateArray().ToDictionary(g => $"{g.GetProperty("label").GetString()}|{g.GetProperty("attribute").GetString()}", g => g.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Waterbirds_ImportAnalyzePlanTrain_ReadTheManifestUnchanged()
    {
        string root = Waterbirds();
        string manifest = Path.Combine(root, "manifest.csv");

        var import = Ffr.Run("import", "--format", "waterbirds", "--root", root, "--out", manifest);

        Assert.True(import.Code == 0, import.Error);
        Assert.Equal(string.Join(Environment.NewLine,
            $"Imported 32 images from '{root}' into {manifest}:",
            "  subgroup          train     val    test",
            "  landbird|land         6       2       2",
            "  landbird|water        2       2       2",
            "  waterbird|land        2       2       2",
            "  waterbird|water       6       2       2",
            $"Next: ffr analyze --manifest {manifest}",
            string.Empty), import.Output);
        Assert.Equal(string.Empty, import.Error);

        var analyze = Ffr.Run("analyze", "--manifest", manifest, "--json");
        Assert.True(analyze.Code == 0, analyze.Error);
        Assert.Equal(new Dictionary<string, int> { ["landbird|land"] = 6, ["landbird|water"] = 2, ["waterbird|land"] = 2, ["waterbird|water"] = 6 }, Groups(analyze.Output));
        Assert.Equal(string.Empty, analyze.Error); // no warning: the paths stay inside the dataset's folder

        var plan = Ffr.Run("plan", "--manifest", manifest, "--strategy", "usb", "--out", Path.Combine(_folder, "plan"));
        Assert.True(plan.Code == 0, plan.Error);
        Assert.Contains("landbird|water: 4", plan.Output);

        string model = Path.Combine(_folder, "model.zip");
        var train = Ffr.Run("train", "--manifest", manifest, "--strategy", "none", "--epochs", "1", "--model-out", model);
        Assert.True(train.Code == 0, train.Error);
        Assert.True(File.Exists(model));
    }

    [Fact]
    public void CelebA_OtherNames_ImportThenAnalyze()
    {
        string root = CelebA();
        string manifest = Path.Combine(root, "manifest.csv");

        var import = Ffr.Run("import", "--format", "celeba", "--root", root, "--out", manifest, "--label-names", "dark,blond", "--attribute-names", "female,male");

        Assert.True(import.Code == 0, import.Error);
        Assert.Contains("  blond|female       2       1       1", import.Output);
        var analyze = Ffr.Run("analyze", "--manifest", manifest, "--json");
        Assert.True(analyze.Code == 0, analyze.Error);
        Assert.Equal(new Dictionary<string, int> { ["blond|female"] = 2, ["blond|male"] = 1, ["dark|female"] = 1, ["dark|male"] = 2 }, Groups(analyze.Output));
    }

    [Fact]
    public void Csv_ColumnMappingAndSplitValues_ImportThenAnalyze()
    {
        string root = Waterbirds();
        string csv = BenchmarkLayoutFiles.Text(Path.Combine(_folder, "lists", "birds.csv"), "file;species;background;fold\n".Replace(';', ',')
            + string.Concat(BenchmarkLayoutFiles.WaterbirdsRows().Select(r => $"{r.File},{(r.Y == 0 ? "land" : "water")}bird,{(r.Place == 0 ? "forest" : "sea")},{"abc"[r.Split]}\n")));
        string manifest = Path.Combine(root, "birds.csv");

        var import = Ffr.Run("import", "--format", "csv", "--csv", csv, "--root", root, "--out", manifest,
            "--path-column", "file", "--label-column", "species", "--attribute-column", "background", "--split-column", "fold", "--split-values", "a=train,b=val,c=test");

        Assert.True(import.Code == 0, import.Error);
        Assert.Contains("  waterbird|sea          6       2       2", import.Output);
        var analyze = Ffr.Run("analyze", "--manifest", manifest, "--json");
        Assert.True(analyze.Code == 0, analyze.Error);
        Assert.Equal(6, Groups(analyze.Output)["landbird|forest"]);
    }

    [Fact]
    public void ManifestOutsideTheDataset_IsWrittenWithAWarning()
    {
        string root = Waterbirds();
        string manifest = Path.Combine(_folder, "elsewhere", "manifest.csv");

        var import = Ffr.Run("import", "--format", "waterbirds", "--root", root, "--out", manifest);

        Assert.Equal(0, import.Code);
        Assert.StartsWith($"Warning: the manifest's folder '{Path.GetDirectoryName(manifest)}' does not hold the dataset's folder '{root}', so its image paths lead outside it;", import.Error);
        Assert.Contains("../waterbird_complete95_forest2water2/001.Song_Sparrow/", File.ReadAllText(manifest));
        Assert.Equal(0, Ffr.Run("analyze", "--manifest", manifest).Code);
    }

    [Fact]
    public void ImageAbsent_ListedWithItsLine_OrLeftOutWithSkipInvalidRows()
    {
        string root = Waterbirds();
        string manifest = Path.Combine(root, "manifest.csv");
        File.Delete(Path.Combine(root, BenchmarkLayoutFiles.WaterbirdsRows()[4].File));

        var failed = Ffr.Run("import", "--format", "waterbirds", "--root", root, "--out", manifest);
        Assert.Equal(1, failed.Code);
        Assert.StartsWith($"ffr import: Waterbirds metadata '{Path.Combine(root, "metadata.csv")}' has 1 invalid row(s):{Environment.NewLine}  line 6: '001.Song_Sparrow/Song_Sparrow_004.jpg' was not found", failed.Error);
        Assert.Contains("Fix them, or pass --skip-invalid-rows to leave them out", failed.Error);
        Assert.False(File.Exists(manifest));

        var skipped = Ffr.Run("import", "--format", "waterbirds", "--root", root, "--out", manifest, "--skip-invalid-rows");
        Assert.Equal(0, skipped.Code);
        Assert.StartsWith($"Warning: 1 invalid row(s) of '{Path.Combine(root, "metadata.csv")}' were left out (--skip-invalid-rows):{Environment.NewLine}  line 6:", skipped.Error);
        Assert.StartsWith($"Imported 31 images", skipped.Output);
    }

    public static TheoryData<string, string[], int, string> BadInputs() => new()
    {
        { "waterbirds", new[] { "--format", "waterbirds", "--out", "OUT" }, 2, "ffr import: 'ffr import --format waterbirds' needs --root: the folder of the download (it holds metadata.csv)." },
        { "none", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "OUT" }, 2, "ffr import: Waterbirds metadata 'ROOT/metadata.csv' was not found. Pass with --root the dataset's folder, as downloaded (see 'ffr import --help' for what it holds)." },
        { "none", new[] { "--format", "waterbirds", "--root", "ROOT/nowhere", "--out", "OUT" }, 2, "ffr import: Dataset folder 'ROOT/nowhere' was not found. Pass with --root" },
        { "waterbirds", new[] { "--format", "birds", "--root", "ROOT", "--out", "OUT" }, 2, "ffr import: --format 'birds' is not one of waterbirds, celeba, csv." },
        { "waterbirds", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "OUT", "--target", "Male" }, 2, "ffr import: --target applies to --format celeba only, not waterbirds." },
        { "waterbirds", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "OUT", "--label-names", "bird" }, 2, "ffr import: --label-names 'bird' is not two different names separated by a comma (for y 0 and y 1, in that order)." },
        { "waterbirds", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "ROOT/metadata.csv" }, 2, "ffr import: --out 'ROOT/metadata.csv' is the input file 'ROOT/metadata.csv'; write the manifest beside it, such as 'ROOT/manifest.csv'." },
        { "waterbirds", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "ROOT" }, 2, "ffr import: --out 'ROOT' cannot be written: 'ROOT' is a folder; give the path of a file to write. Choose another path." },
        { "waterbirds", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "OUT", "--out", "OUT" }, 2, "ffr import: Option '--out' is given more than once; give it once." },
        { "waterbirds-no-images", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "OUT" }, 2, "ffr import: None of the 32 images that Waterbirds metadata 'ROOT/metadata.csv' lists exists under 'ROOT' (the first would be 'ROOT/001.Song_Sparrow/Song_Sparrow_000.jpg'). Pass with --root" },
        { "waterbirds-split-3", new[] { "--format", "waterbirds", "--root", "ROOT", "--out", "OUT" }, 1, "ffr import: Column 'split' of Waterbirds metadata 'ROOT/metadata.csv' has 1 value(s) that the split mapping does not know: '3' (line 2); it knows 0 (train), 1 (val), 2 (test). The file is damaged" },
        { "celeba", new[] { "--format", "celeba", "--root", "ROOT", "--out", "OUT", "--target", "Blond" }, 2, "ffr import: 'Blond' is not an attribute of CelebA attribute list 'ROOT/list_attr_celeba.txt'; its attributes are 5_o_Clock_Shadow, Bald, Blond_Hair, Male, Young (names are case-sensitive). Choose the class label's attribute with --target." },
        { "celeba", new[] { "--format", "celeba", "--root", "ROOT", "--out", "OUT", "--spurious", "Blond_Hair" }, 2, "ffr import: The target and the spurious attribute are both 'Blond_Hair'. Choose the spurious attribute with --spurious, another one than --target." },
        { "csv", new[] { "--format", "csv", "--root", "ROOT", "--out", "OUT" }, 2, "ffr import: 'ffr import --format csv' needs --csv: the CSV file to import." },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/nowhere.csv", "--out", "OUT" }, 2, "ffr import: CSV file 'ROOT/nowhere.csv' was not found. Pass with --csv a CSV file" },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--label-column", "species" }, 2, "ffr import: Could not find label column 'species' in CSV file 'ROOT/list.csv'; its columns are 'ImagePath', 'Label', 'Attribute', 'fold'. Name the column of labels with --label-column." },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--split-column", "fold" }, 2, "ffr import: Column 'fold' of CSV file 'ROOT/list.csv' has 3 value(s) that the split mapping does not know: '0' (line 2 and 15 more row(s)), '1' (line 18 and 7 more row(s)), '2' (line 26 and 7 more row(s)); it knows train, val and test (any case). Map every value with --split-values" },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--split-column", "fold", "--split-values", "0=train,1=dev" }, 2, "ffr import: --split-values '0=train,1=dev': '1=dev' is not VALUE=train, VALUE=val or VALUE=test" },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--split-values", "0=train" }, 2, "ffr import: --split-values maps the values of --split-column; give --split-column too." },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--split-column", "fold", "--seed", "3" }, 2, "ffr import: --seed assigns splits where the CSV has no split column;" },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--val-fraction", "0.5", "--test-fraction", "0.5" }, 2, "ffr import: --val-fraction 0.5 and --test-fraction 0.5 leave nothing for train; together they must be below 1." },
        { "csv", new[] { "--format", "csv", "--csv", "ROOT/list.csv", "--out", "OUT", "--val-fraction", "2" }, 2, "ffr import: --val-fraction '2' is not a number from 0 to 1." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInput_OneMessageAndExitCode_NothingWritten(string layout, string[] options, int code, string message)
    {
        string root = Path.Combine(_folder, "data");
        Directory.CreateDirectory(root);
        switch (layout)
        {
            case "waterbirds":
                BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows());
                break;
            case "waterbirds-no-images":
                BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows(), images: false);
                break;
            case "waterbirds-split-3":
                BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows().Select((r, i) => i == 0 ? r with { Split = 3 } : r).ToArray());
                break;
            case "celeba":
                BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());
                break;
            case "csv":
                var rows = BenchmarkLayoutFiles.WaterbirdsRows();
                BenchmarkLayoutFiles.Waterbirds(root, rows);
                BenchmarkLayoutFiles.Text(Path.Combine(root, "list.csv"), "ImagePath,Label,Attribute,fold\n" + string.Concat(rows.Select(r => $"{r.File},{r.Y},{r.Place},{r.Split}\n")));
                break;
        }

        string output = Path.Combine(_folder, "out", "manifest.csv");
        string[] Fill(IEnumerable<string> texts) => texts.Select(t => t.Replace("ROOT", root, StringComparison.Ordinal).Replace("OUT", output, StringComparison.Ordinal)).ToArray();
        string[] before = Directory.GetFiles(_folder, "*", SearchOption.AllDirectories);

        var (exit, stdout, error) = Ffr.Run(Fill(new[] { "import" }.Concat(options)));

        Assert.Equal(code, exit);
        Assert.StartsWith(Fill(new[] { message })[0], error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(before, Directory.GetFiles(_folder, "*", SearchOption.AllDirectories)); // nothing written, not even a temporary file
    }

    [Fact]
    public void Help_SaysEveryOptionAndItsDefault()
    {
        var (exit, output, _) = Ffr.Run("import", "--help");

        Assert.Equal(0, exit);
        Assert.StartsWith("ffr import: Turn a downloaded Waterbirds or CelebA, or a CSV with a column mapping, into a manifest.", output);
        Assert.Contains("waterbirds, celeba, csv. (required)", output);
        Assert.Contains("celeba: the attribute that is the class label. (default: Blond_Hair)", output);
        Assert.Contains("(default: landbird,waterbird (waterbirds), not_TARGET,TARGET (celeba))", output);
        Assert.Contains("--skip-invalid-rows", output);
    }
}
