using Ffr.MLNet.Importing;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Tests;

namespace Ffr.MLNet.Transforms.Tests.Importing;

public sealed class ManifestImporterTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Root(string name) => Directory.CreateDirectory(_dir.File(name)).FullName;

    private static string Subgroups(ImageManifest manifest, DataSplit split) =>
        string.Join(" ", manifest.Select(split).GroupBy(r => $"{r.Label}|{r.Attribute}").OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));

    [Fact]
    public void Waterbirds_PublishedLayout_NamedSubgroupsInTheirSplits()
    {
        string root = Root("waterbirds");
        var rows = BenchmarkLayoutFiles.WaterbirdsRows();
        BenchmarkLayoutFiles.Waterbirds(root, rows);

        ImageManifest manifest = ManifestImporter.Waterbirds(root);

        Assert.Equal(32, manifest.Rows.Count);
        Assert.Equal("landbird|land:6 landbird|water:2 waterbird|land:2 waterbird|water:6", Subgroups(manifest, DataSplit.Train));
        Assert.Equal("landbird|land:2 landbird|water:2 waterbird|land:2 waterbird|water:2", Subgroups(manifest, DataSplit.Val));
        Assert.Equal("landbird|land:2 landbird|water:2 waterbird|land:2 waterbird|water:2", Subgroups(manifest, DataSplit.Test));
        Assert.All(manifest.Rows, r => Assert.Equal(SampleSource.Real, r.Source));
        Assert.Equal(Path.Combine(root, rows[0].File), manifest.Rows[0].ImagePath);
        Assert.Equal(2, manifest.Rows[0].Line); // the metadata line, for messages
        Assert.Empty(manifest.Skipped);
    }

    [Fact]
    public void Waterbirds_SavedInsideTheFolder_LoadsAsTheSameManifestWithoutWarnings()
    {
        string root = Root("waterbirds");
        BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows());
        ImageManifest imported = ManifestImporter.Waterbirds(root);
        string path = Path.Combine(root, "manifest.csv");

        imported.Save(path);
        ImageManifest loaded = ImageManifest.Load(path);

        Assert.Equal(imported.Rows.Select(r => (r.ImagePath, r.Label, r.Attribute, r.Source, r.Split)), loaded.Rows.Select(r => (r.ImagePath, r.Label, r.Attribute, r.Source, r.Split)));
        Assert.Empty(loaded.Warnings);
        Assert.StartsWith("ImagePath,Label,Attribute,Source,Split\n001.Song_Sparrow/Song_Sparrow_000.jpg,landbird,land,real,train\n", File.ReadAllText(path));
    }

    [Fact]
    public void Waterbirds_OtherNames_AreUsed()
    {
        string root = Root("waterbirds");
        BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows());

        ImageManifest manifest = ManifestImporter.Waterbirds(root, new WaterbirdsImportOptions { LabelNames = new[] { "land-bird", "water-bird" }, AttributeNames = new[] { "forest", "sea" } });

        Assert.Equal("land-bird|forest:6 land-bird|sea:2 water-bird|forest:2 water-bird|sea:6", Subgroups(manifest, DataSplit.Train));
    }

    [Fact]
    public void Options_Defaults_AreThePublishedSettings()
    {
        var waterbirds = new WaterbirdsImportOptions();
        Assert.Equal(new[] { "landbird", "waterbird" }, waterbirds.LabelNames);
        Assert.Equal(new[] { "land", "water" }, waterbirds.AttributeNames);
        var celebA = new CelebAImportOptions();
        Assert.Equal(("Blond_Hair", "Male", "img_align_celeba"), (celebA.TargetAttribute, celebA.SpuriousAttribute, celebA.ImageFolder));
        Assert.Null(celebA.TargetNames);
        Assert.Null(celebA.SpuriousNames);
        var csv = new CsvImportOptions();
        Assert.Equal(("ImagePath", "Label", "Attribute"), (csv.ImagePathColumn, csv.LabelColumn, csv.AttributeColumn));
        Assert.Null(csv.SplitColumn);
        Assert.Null(csv.SplitValues);
        Assert.Null(csv.ImageFolder);
        Assert.Equal((0.1, 0.1, 0), (csv.ValidationFraction, csv.TestFraction, csv.Seed));
    }

    [Fact]
    public void Waterbirds_NoMetadata_NamesTheFileAndTheFolderSetting()
    {
        string root = Root("empty");

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Waterbirds(root));

        Assert.Equal($"Waterbirds metadata '{Path.Combine(root, "metadata.csv")}' was not found. Pass the dataset's folder, the one that holds metadata.csv.", ex.Message);
        Assert.Equal("root", ex.Setting);
        Assert.Equal("root", Assert.Throws<ManifestImportException>(() => ManifestImporter.Waterbirds(_dir.File("nowhere"))).Setting);
    }

    [Fact]
    public void Waterbirds_SplitOutsideZeroToTwo_NamesLineColumnAndValues()
    {
        string root = Root("waterbirds");
        var rows = BenchmarkLayoutFiles.WaterbirdsRows().ToArray();
        rows[3] = rows[3] with { Split = 3 };
        rows[5] = rows[5] with { Split = 3 };
        string metadata = BenchmarkLayoutFiles.Waterbirds(root, rows);

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Waterbirds(root));

        Assert.Equal(
            $"Column 'split' of Waterbirds metadata '{metadata}' has 1 value(s) that the split mapping does not know: '3' (line 5 and 1 more row(s)); it knows 0 (train), 1 (val), 2 (test). "
            + "The file is damaged or not Waterbirds' metadata.csv; download the dataset again, or import another layout as a CSV with a column mapping.", ex.Message);
        Assert.Null(ex.Setting);
    }

    [Fact]
    public void Waterbirds_LabelOutsideZeroAndOne_IsRefused()
    {
        string root = Root("waterbirds");
        var rows = BenchmarkLayoutFiles.WaterbirdsRows().ToArray();
        rows[0] = rows[0] with { Y = 2 };
        BenchmarkLayoutFiles.Waterbirds(root, rows);

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Waterbirds(root));

        Assert.StartsWith("Column 'y' of Waterbirds metadata", ex.Message);
        Assert.Contains("the label mapping does not know: '2' (line 2); it knows 0 (landbird), 1 (waterbird).", ex.Message);
    }

    [Fact]
    public void Waterbirds_ColumnMissing_ListsTheColumnsThere()
    {
        string root = Root("waterbirds");
        string metadata = BenchmarkLayoutFiles.Text(Path.Combine(root, "metadata.csv"), "img_id,img_filename,y,split\n1,a.jpg,0,0\n");

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Waterbirds(root));

        Assert.StartsWith($"Could not find attribute column 'place' in Waterbirds metadata '{metadata}'; its columns are 'img_id', 'img_filename', 'y', 'split'. Waterbirds' metadata.csv has the columns", ex.Message);
    }

    [Fact]
    public void Waterbirds_ImageAbsent_ListedWithItsLine_OrLeftOutWhenSkipping()
    {
        string root = Root("waterbirds");
        var rows = BenchmarkLayoutFiles.WaterbirdsRows();
        string metadata = BenchmarkLayoutFiles.Waterbirds(root, rows);
        File.Delete(Path.Combine(root, rows[4].File));

        var ex = Assert.Throws<ManifestValidationException>(() => ManifestImporter.Waterbirds(root));
        Assert.Equal($"Waterbirds metadata '{metadata}'", ex.What);
        ManifestIssue issue = Assert.Single(ex.Issues);
        Assert.Equal((6, ManifestIssueKind.MissingFile), (issue.Line, issue.Kind));

        ImageManifest skipped = ManifestImporter.Waterbirds(root, validation: new ManifestLoadOptions { SkipInvalidRows = true });
        Assert.Equal(31, skipped.Rows.Count);
        Assert.Equal(6, Assert.Single(skipped.Skipped).Line);
    }

    [Fact]
    public void Waterbirds_NoListedImageThere_SaysTheFolderIsWrong()
    {
        string root = Root("waterbirds");
        BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows(), images: false);

        foreach (bool skip in new[] { false, true })
        {
            var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Waterbirds(root, validation: new ManifestLoadOptions { SkipInvalidRows = skip }));
            Assert.StartsWith($"None of the 32 images that Waterbirds metadata '{Path.Combine(root, "metadata.csv")}' lists exists under '{root}' (the first would be '{Path.Combine(root, "001.Song_Sparrow/Song_Sparrow_000.jpg")}'). Pass the folder that holds metadata.csv", ex.Message);
            Assert.Equal("root", ex.Setting);
        }
    }

    [Fact]
    public void CelebA_BlondHairByMale_FromBothListsWithDoubleSpaces()
    {
        string root = Root("celeba");
        BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());
        Assert.Contains(" -1  1 ", File.ReadAllText(Path.Combine(root, "list_attr_celeba.txt"))); // spaced as published

        ImageManifest manifest = ManifestImporter.CelebA(root);

        Assert.Equal(14, manifest.Rows.Count);
        Assert.Equal("Blond_Hair|Male:1 Blond_Hair|not_Male:2 not_Blond_Hair|Male:2 not_Blond_Hair|not_Male:1", Subgroups(manifest, DataSplit.Train));
        Assert.Equal("Blond_Hair|Male:1 Blond_Hair|not_Male:1 not_Blond_Hair|Male:1 not_Blond_Hair|not_Male:1", Subgroups(manifest, DataSplit.Test));
        Assert.Equal(Path.Combine(root, "img_align_celeba", "000001.jpg"), manifest.Rows[0].ImagePath);
        Assert.Equal(3, manifest.Rows[0].Line);
    }

    [Fact]
    public void CelebA_OtherAttributesAndNames_AreUsed()
    {
        string root = Root("celeba");
        BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());

        ImageManifest manifest = ManifestImporter.CelebA(root, new CelebAImportOptions
        {
            TargetAttribute = "Male", SpuriousAttribute = "Blond_Hair", TargetNames = new[] { "female", "male" }, SpuriousNames = new[] { "dark", "blond" },
        });

        Assert.Equal("female|blond:2 female|dark:1 male|blond:1 male|dark:2", Subgroups(manifest, DataSplit.Train));
    }

    [Fact]
    public void CelebA_UnknownAttribute_ListsTheValidNames()
    {
        string root = Root("celeba");
        BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.CelebA(root, new CelebAImportOptions { TargetAttribute = "blond_hair" }));

        Assert.Equal(
            $"'blond_hair' is not an attribute of CelebA attribute list '{Path.Combine(root, "list_attr_celeba.txt")}'; its attributes are 5_o_Clock_Shadow, Bald, Blond_Hair, Male, Young (names are case-sensitive). Set CelebAImportOptions.TargetAttribute to one of them.",
            ex.Message);
        Assert.Equal("TargetAttribute", ex.Setting);
        Assert.Equal("SpuriousAttribute", Assert.Throws<ManifestImportException>(() => ManifestImporter.CelebA(root, new CelebAImportOptions { SpuriousAttribute = "Blond_Hair" })).Setting);
    }

    [Theory]
    [InlineData("count", "says on line 1 that it lists 15 images, but it lists 14.")]
    [InlineData("values", "line 5 has 4 attribute values for '000003.jpg'; line 2 names 5 attributes.")]
    [InlineData("partition-missing", "'000014.jpg' (CelebA attribute list")]
    [InlineData("partition-value", "line 2 is '000002.jpg 3'; each line must be an image's file name and its partition, 0 (train), 1 (val) or 2 (test).")]
    [InlineData("attribute-value", "Column 'Male' of CelebA attribute list")]
    public void CelebA_DamagedLists_NameFileAndLine(string damage, string expected)
    {
        string root = Root("celeba");
        BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());
        string attributes = Path.Combine(root, "list_attr_celeba.txt"), partition = Path.Combine(root, "list_eval_partition.txt");
        string[] lines = File.ReadAllLines(attributes), parts = File.ReadAllLines(partition);
        switch (damage)
        {
            case "count": lines[0] = "15"; break;
            case "values": lines[4] = lines[4][..^3]; break;
            case "partition-missing": parts = parts[..^1]; break;
            case "partition-value": parts[1] = "000002.jpg 3"; break;
            default: lines[6] = lines[6][..^6] + " 0 -1"; break;
        }

        File.WriteAllLines(attributes, lines);
        File.WriteAllLines(partition, parts);

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.CelebA(root));

        Assert.Contains(expected, ex.Message);
        Assert.Null(ex.Setting);
        Assert.Contains(damage == "attribute-value" ? "'0' (line 7)" : damage.StartsWith("partition", StringComparison.Ordinal) ? "list_eval_partition.txt'" : "list_attr_celeba.txt'", ex.Message);
    }

    [Fact]
    public void CelebA_PartitionListMissing_NamesIt()
    {
        string root = Root("celeba");
        BenchmarkLayoutFiles.CelebA(root, BenchmarkLayoutFiles.CelebARows());
        File.Delete(Path.Combine(root, "list_eval_partition.txt"));

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.CelebA(root));

        Assert.Equal($"CelebA partition list '{Path.Combine(root, "list_eval_partition.txt")}' was not found. Pass the dataset's folder, the one that holds list_eval_partition.txt.", ex.Message);
    }

    private string PhotosCsv(string header, Func<int, string, string, string> row)
    {
        var lines = new List<string> { header };
        int n = 0;
        foreach ((string label, string attribute, int count) in new[] { ("cat", "indoor", 20), ("cat", "outdoor", 4), ("dog", "indoor", 3), ("dog", "outdoor", 10) })
        {
            for (int i = 0; i < count; i++, n++)
            {
                string file = $"photos/{label}_{attribute}_{i}.jpg";
                BenchmarkLayoutFiles.Jpeg(_dir.File(file), (byte)(label == "cat" ? 200 : 30), 90, (byte)(attribute == "indoor" ? 200 : 30));
                lines.Add(row(n, file, $"{label},{attribute}"));
            }
        }

        return BenchmarkLayoutFiles.Text(_dir.File("photos.csv"), string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void Csv_ColumnMappingWithSplitValues_ReadsEveryRow()
    {
        string csv = PhotosCsv("file,species,setting,fold,notes", (n, file, subgroup) => $"{file},{subgroup},{n % 3},\"a, note\"");

        ImageManifest manifest = ManifestImporter.Csv(csv, new CsvImportOptions
        {
            ImagePathColumn = "file", LabelColumn = "species", AttributeColumn = "setting", SplitColumn = "fold",
            SplitValues = new Dictionary<string, DataSplit> { ["0"] = DataSplit.Train, ["1"] = DataSplit.Val, ["2"] = DataSplit.Test },
        });

        Assert.Equal(37, manifest.Rows.Count);
        Assert.Equal(new[] { DataSplit.Train, DataSplit.Val, DataSplit.Test, DataSplit.Train }, manifest.Rows.Take(4).Select(r => r.Split));
        Assert.Equal(("cat", "indoor", _dir.File("photos/cat_indoor_0.jpg")), (manifest.Rows[0].Label, manifest.Rows[0].Attribute, manifest.Rows[0].ImagePath));
    }

    [Fact]
    public void Csv_SplitValueNotMapped_NamesColumnLineAndSetting()
    {
        string csv = PhotosCsv("ImagePath,Label,Attribute,fold", (n, file, subgroup) => $"{file},{subgroup},{(n == 7 ? "holdout" : "train")}");

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Csv(csv, new CsvImportOptions { SplitColumn = "fold" }));

        Assert.Equal(
            $"Column 'fold' of CSV file '{csv}' has 1 value(s) that the split mapping does not know: 'holdout' (line 9); it knows train, val and test (any case). Map every value in CsvImportOptions.SplitValues.",
            ex.Message);
        Assert.Equal("SplitValues", ex.Setting);
    }

    [Fact]
    public void Csv_UnknownColumn_ListsTheColumnsAndNamesTheSetting()
    {
        string csv = PhotosCsv("ImagePath,Label,Attribute", (_, file, subgroup) => $"{file},{subgroup}");

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Csv(csv, new CsvImportOptions { LabelColumn = "species" }));

        Assert.Equal($"Could not find label column 'species' in CSV file '{csv}'; its columns are 'ImagePath', 'Label', 'Attribute'. Set CsvImportOptions.LabelColumn to one of them.", ex.Message);
        Assert.Equal("LabelColumn", ex.Setting);
    }

    [Fact]
    public void Csv_NoSplitColumn_AssignsSplitsPerSubgroup_SameSeedSameSplits()
    {
        string csv = PhotosCsv("ImagePath,Label,Attribute", (_, file, subgroup) => $"{file},{subgroup}");

        ImageManifest first = ManifestImporter.Csv(csv);
        ImageManifest again = ManifestImporter.Csv(csv);
        ImageManifest other = ManifestImporter.Csv(csv, new CsvImportOptions { Seed = 1 });

        // 20 -> 2 val, 2 test; 4 -> 1, 1 (at least one each); 3 -> 1, 1; 10 -> 1, 1.
        Assert.Equal("cat|indoor:2 cat|outdoor:1 dog|indoor:1 dog|outdoor:1", Subgroups(first, DataSplit.Val));
        Assert.Equal("cat|indoor:2 cat|outdoor:1 dog|indoor:1 dog|outdoor:1", Subgroups(first, DataSplit.Test));
        Assert.Equal("cat|indoor:16 cat|outdoor:2 dog|indoor:1 dog|outdoor:8", Subgroups(first, DataSplit.Train));
        Assert.Equal(first.Rows.Select(r => r.Split), again.Rows.Select(r => r.Split));
        Assert.NotEqual(first.Rows.Select(r => r.Split), other.Rows.Select(r => r.Split));
    }

    [Fact]
    public void Csv_HeaderOnlyOrMissing_IsRefused()
    {
        string csv = BenchmarkLayoutFiles.Text(_dir.File("empty.csv"), "ImagePath,Label,Attribute\n");

        Assert.Equal($"CSV file '{csv}' has a header but no rows. Give a file with one row per image.", Assert.Throws<ManifestImportException>(() => ManifestImporter.Csv(csv)).Message);
        var missing = Assert.Throws<ManifestImportException>(() => ManifestImporter.Csv(_dir.File("none.csv")));
        Assert.Equal(("csvPath", $"CSV file '{_dir.File("none.csv")}' was not found."), (missing.Setting, missing.Problem));
    }

    [Fact]
    public void Csv_EveryRowInvalid_NothingLeftWhenSkipping()
    {
        string csv = PhotosCsv("ImagePath,Label,Attribute", (_, file, subgroup) => $"{file},{subgroup.Split(',')[0]},");
        var validation = new ManifestLoadOptions { SkipInvalidRows = true };

        var ex = Assert.Throws<ManifestImportException>(() => ManifestImporter.Csv(csv, validation: validation));

        Assert.StartsWith($"Every one of the 37 rows of CSV file '{csv}' is invalid, so nothing is left to import:", ex.Message);
        Assert.Contains("line 2: 'photos/cat_indoor_0.jpg' has an empty Attribute", ex.Message);
    }

    [Fact]
    public void Names_NotTwo_AreRefused()
    {
        string root = Root("waterbirds");
        BenchmarkLayoutFiles.Waterbirds(root, BenchmarkLayoutFiles.WaterbirdsRows());

        var ex = Assert.Throws<ArgumentException>(() => ManifestImporter.Waterbirds(root, new WaterbirdsImportOptions { LabelNames = new[] { "bird" } }));

        Assert.StartsWith("LabelNames must hold two different, non-empty names (for 0 and 1); it holds 1: 'bird'.", ex.Message);
    }
}
