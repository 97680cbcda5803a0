using Ffr.MLNet.Manifests;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Transforms.Tests.Manifests;

public sealed class ImageManifestTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private string GoodImages()
    {
        _dir.Png("img/a1.png", 200, 10, 10);
        _dir.Png("img/a2.png", 10, 200, 10);
        _dir.Png("img/b1.png", 10, 10, 200);
        _dir.Png("img/s1.png", 90, 20, 30);
        return "ImagePath,Label,Attribute,Source,Split,Note\n" +
               "img/a1.png,cat,indoor,real,train,first\n" +
               "img/a2.png,cat,outdoor,real,val,\"with, comma\"\n" +
               "img/b1.png,dog,outdoor,real,test,\n" +
               "img/s1.png,dog,indoor,synthetic,train,\n";
    }

    [Fact]
    public void Load_ValidManifest_ResolvesPathsAndKeepsExtraColumns()
    {
        ImageManifest manifest = ImageManifest.Load(_dir.Text("m.csv", GoodImages()));

        Assert.Equal(4, manifest.Rows.Count);
        Assert.Equal(_dir.File("img/a1.png"), manifest.Rows[0].ImagePath);
        Assert.Equal(("cat", "indoor", SampleSource.Real, DataSplit.Train), (manifest.Rows[0].Label, manifest.Rows[0].Attribute, manifest.Rows[0].Source, manifest.Rows[0].Split));
        Assert.Equal("with, comma", manifest.Rows[1].Extra["Note"]);
        Assert.Equal(new[] { "Note" }, manifest.ExtraColumns);
        Assert.Single(manifest.Select(DataSplit.Train, SampleSource.Synthetic));
        Assert.Empty(manifest.Skipped);
    }

    [Fact]
    public void ToDataView_HasTypedTextColumns_ThatBecomeKeys()
    {
        var ml = new MLContext(0);
        IDataView data = ml.Data.LoadImageManifest(_dir.Text("m.csv", GoodImages()), split: DataSplit.Train);

        Assert.Equal(new[] { "ImagePath", "Label", "Attribute", "Source", "Split", "Note" }, data.Schema.Select(c => c.Name));
        Assert.Equal(2, data.GetRowCount());
        IDataView keyed = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.Transforms.Conversion.MapValueToKey("Attribute")).Fit(data).Transform(data);
        Assert.IsType<Microsoft.ML.Data.KeyDataViewType>(keyed.Schema["Label"].Type);
        Assert.Equal(new[] { "synthetic", "real" }.Order(), data.GetColumn<string>("Source").Order());
    }

    [Fact]
    public void Load_EveryKindOfBadRow_FailsWithTheFullList()
    {
        _dir.Png("ok.png", 200, 10, 10);
        _dir.Png("ok2.png", 10, 200, 10);
        _dir.Png("gray.png", 100, 100, 100);
        _dir.Text("corrupt.png", "this is not a png");
        _dir.Text("empty.png", string.Empty);
        string csv = "ImagePath,Label,Attribute,Source,Split\n" +
                     "ok.png,cat,indoor,real,train\n" +              // 2
                     "ok2.png,dog,outdoor,real,train\n" +            // 3
                     "missing.png,cat,indoor,real,train\n" +         // 4
                     "corrupt.png,cat,indoor,real,train\n" +         // 5
                     "empty.png,cat,indoor,real,train\n" +           // 6
                     "ok.png,cat,indoor,fake,train\n" +              // 7
                     "ok.png,cat,indoor,real,holdout\n" +            // 8
                     "ok.png,cat,,real,train\n" +                    // 9
                     "ok.png,bird,indoor,synthetic,train\n" +        // 10
                     "ok.png,cat,indoor,synthetic,test\n" +          // 11
                     "gray.png,cat,indoor,real,train\n";             // 12
        string path = _dir.Text("bad.csv", csv);

        var ex = Assert.Throws<ManifestValidationException>(() => ImageManifest.Load(path, new ManifestLoadOptions { FilterGrayscale = true }));
        Assert.Equal(
            new[]
            {
                (4, ManifestIssueKind.MissingFile), (5, ManifestIssueKind.UnreadableImage), (6, ManifestIssueKind.ZeroSizeImage),
                (7, ManifestIssueKind.UnknownSource), (8, ManifestIssueKind.UnknownSplit), (9, ManifestIssueKind.MissingValue),
                (10, ManifestIssueKind.UnknownSubgroupValue), (11, ManifestIssueKind.UnknownSplit), (12, ManifestIssueKind.GrayscaleImage),
            },
            ex.Issues.Select(i => (i.Line, i.Kind)));
        Assert.Contains("line 4: 'missing.png' was not found", ex.Message);
        Assert.Contains("line 7: 'ok.png' has Source 'fake'; use real or synthetic.", ex.Message);
        Assert.Contains("line 8: 'ok.png' has Split 'holdout'; use train, val or test.", ex.Message);
        Assert.Contains("line 10: 'ok.png' is synthetic with label 'bird', which no real row has", ex.Message);
        Assert.Contains("line 11: 'ok.png' is synthetic with Split 'test'; synthetic images are training images only", ex.Message);
        Assert.Contains("line 6: 'empty.png' is an empty file.", ex.Message);
        Assert.Contains("SkipInvalidRows", ex.Message);
    }

    [Fact]
    public void Load_AFileTooLargeForAnImage_IsUnreadable_WithoutBeingRead()
    {
        _dir.Png("ok.png", 200, 10, 10);
        string huge = System.IO.Path.Combine(_dir.Path, "huge.png");
        using (FileStream sparse = File.Create(huge))
        {
            sparse.SetLength(Ffr.MLNet.Images.RgbImage.MaxEncodedBytes + 1); // sparse: nothing is written, and nothing may be read
        }

        string path = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\nok.png,cat,indoor,real,train\nhuge.png,cat,indoor,real,train\n");
        var ex = Assert.Throws<ManifestValidationException>(() => ImageManifest.Load(path));
        ManifestIssue issue = Assert.Single(ex.Issues);
        Assert.Equal((3, ManifestIssueKind.UnreadableImage), (issue.Line, issue.Kind));
        Assert.Contains("huge.png", issue.Message);
        Assert.Contains("256 MiB", issue.Message);
        Assert.Throws<InvalidDataException>(() => Ffr.MLNet.Images.RgbImage.Load(huge));
    }

    [Fact]
    public void Load_SkipInvalidRows_KeepsTheGoodOnesAndReportsTheRest()
    {
        _dir.Png("ok.png", 200, 10, 10);
        string path = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\nok.png,cat,indoor,real,train\nnope.png,cat,indoor,real,train\nok.png,dog,indoor,real,val\n");

        ImageManifest manifest = ImageManifest.Load(path, new ManifestLoadOptions { SkipInvalidRows = true });
        Assert.Equal(2, manifest.Rows.Count);
        ManifestIssue skipped = Assert.Single(manifest.Skipped);
        Assert.Equal(("nope.png", ManifestIssueKind.MissingFile), (skipped.ImagePath, skipped.Kind));
    }

    [Fact]
    public void Load_GrayscaleNotFiltered_IsKeptWithAWarning()
    {
        _dir.Png("colour.png", 200, 10, 10);
        _dir.Png("gray.png", 90, 90, 90);
        string path = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\ncolour.png,cat,indoor,real,train\ngray.png,dog,indoor,real,train\n");

        ImageManifest manifest = ImageManifest.Load(path);
        Assert.Equal(2, manifest.Rows.Count);
        Assert.Equal("1 grayscale image(s) among RGB ones were kept: 'gray.png' (line 3). Set FilterGrayscale to leave them out.", Assert.Single(manifest.Warnings));
        ManifestIssue notice = Assert.Single(manifest.Notices);
        Assert.Equal((3, "gray.png", ManifestIssueKind.GrayscaleImage), (notice.Line, notice.ImagePath, notice.Kind));
    }

    [Fact]
    public void Load_ValidManifest_RowsKnowTheirLines()
    {
        ImageManifest manifest = ImageManifest.Load(_dir.Text("m.csv", GoodImages()));
        Assert.Equal(new[] { 2, 3, 4, 5 }, manifest.Rows.Select(r => r.Line));
        Assert.Empty(manifest.Notices);
    }

    [Fact]
    public void Load_HeaderNamesAColumnTwice_NamesBothPositions()
    {
        _dir.Png("a.png", 200, 10, 10);
        string path = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split,Label\na.png,cat,indoor,real,train,dog\n");
        var ex = Assert.Throws<InvalidDataException>(() => ImageManifest.Load(path));
        Assert.Equal($"Manifest '{path}' names the column 'Label' 2 times (columns 2 and 6 of the header); rename or remove all but one, so that no value is silently ignored.", ex.Message);
    }

    [Fact]
    public void Load_HeaderOnly_SaysItHasNoRows()
    {
        string path = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\n");
        var ex = Assert.Throws<InvalidDataException>(() => ImageManifest.Load(path));
        Assert.Equal($"Manifest '{path}' has a header but no rows; add one row per image (ImagePath,Label,Attribute,Source,Split).", ex.Message);
    }

    [Fact]
    public void Load_AFolderInsteadOfTheCsv_SaysItIsAFolder()
    {
        var ex = Assert.Throws<IOException>(() => ImageManifest.Load(_dir.Path));
        Assert.StartsWith($"Manifest '{_dir.Path}' is a folder, not a file.", ex.Message);
    }

    [Fact]
    public void Load_PathLeavingTheManifestFolder_IsReadWithANotice()
    {
        _dir.Png("images/a.png", 200, 10, 10);
        _dir.Png("images/b.png", 10, 200, 10);
        string path = _dir.Text("lists/m.csv", "ImagePath,Label,Attribute,Source,Split\n../images/a.png,cat,indoor,real,train\n../images/b.png,dog,indoor,real,train\n");
        ImageManifest manifest = ImageManifest.Load(path);
        Assert.Equal(2, manifest.Rows.Count);
        Assert.Equal(new[] { 2, 3 }, manifest.Notices.Select(n => n.Line));
        Assert.All(manifest.Notices, n => Assert.Equal(ManifestIssueKind.OutsideManifestFolder, n.Kind));
        Assert.StartsWith("2 image path(s) lead outside the manifest's folder: '../images/a.png' (line 2), '../images/b.png' (line 3). They are read,", Assert.Single(manifest.Warnings));
    }

    [Fact]
    public void Load_MissingHeaderColumn_NamesIt()
    {
        string path = _dir.Text("m.csv", "ImagePath,Label,Source,Split\nx.png,cat,real,train\n");
        var ex = Assert.Throws<InvalidDataException>(() => ImageManifest.Load(path));
        Assert.Equal($"Manifest '{path}' lacks the column(s) Attribute; its header is 'ImagePath,Label,Source,Split'. The header must hold ImagePath,Label,Attribute,Source,Split (names are case-sensitive).", ex.Message);
    }

    [Fact]
    public void Load_RowWithTooManyFields_NamesTheLine()
    {
        string path = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\nx.png,cat,in,door,real,train\n");
        var ex = Assert.Throws<InvalidDataException>(() => ImageManifest.Load(path));
        Assert.Contains("line 2 has 6 fields; the header has 5", ex.Message);
    }

    [Fact]
    public void Load_NoSuchFile_SaysWhatToPass()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ImageManifest.Load(_dir.File("none.csv")));
        Assert.Contains("Pass the path of a CSV file with the header ImagePath,Label,Attribute,Source,Split.", ex.Message);
    }

    [Fact]
    public void FromFolder_LabelAttributeLayout_LoadsWithTheGivenSource()
    {
        _dir.Png("pool/cat/indoor/1.png", 200, 10, 10);
        _dir.Png("pool/cat/outdoor/2.jpg.png", 10, 200, 10);
        _dir.Png("pool/dog/indoor/3.png", 10, 10, 200);
        _dir.Text("pool/dog/indoor/readme.txt", "ignored");

        ImageManifest manifest = ImageManifest.FromFolder(_dir.File("pool"), SampleSource.Synthetic);
        Assert.Equal(new[] { ("cat", "indoor"), ("cat", "outdoor"), ("dog", "indoor") }, manifest.Rows.Select(r => (r.Label, r.Attribute)));
        Assert.All(manifest.Rows, r => Assert.Equal(SampleSource.Synthetic, r.Source));
    }

    [Fact]
    public void Save_ThenLoad_RoundTrips()
    {
        ImageManifest original = ImageManifest.Load(_dir.Text("m.csv", GoodImages()));
        string copy = _dir.File("copy/m2.csv");
        original.Save(copy);
        ImageManifest reloaded = ImageManifest.Load(copy);
        Assert.Equal(original.Rows.Select(r => (r.ImagePath, r.Label, r.Attribute, r.Source, r.Split, r.Extra["Note"])),
                     reloaded.Rows.Select(r => (r.ImagePath, r.Label, r.Attribute, r.Source, r.Split, r.Extra["Note"])));
        Assert.StartsWith("ImagePath,Label,Attribute,Source,Split,Note\n../img/a1.png,cat,indoor,real,train,first\n", File.ReadAllText(copy));
    }

    [Fact]
    public void WithSyntheticPool_ReplacesTheSyntheticRows_KeepsTheRealOnes()
    {
        ImageManifest manifest = ImageManifest.Load(_dir.Text("m.csv", GoodImages()));
        _dir.Png("pool/cat/outdoor/0.png", 30, 90, 160);
        _dir.Png("pool/dog/indoor/0.png", 160, 90, 30);
        ImageManifest pool = ImageManifest.FromFolder(_dir.File("pool"), SampleSource.Synthetic);

        ImageManifest joined = manifest.WithSyntheticPool(pool);

        Assert.Equal(manifest.Rows.Where(r => r.Source == SampleSource.Real), joined.Rows.Where(r => r.Source == SampleSource.Real));
        Assert.Equal(new[] { _dir.File("pool/cat/outdoor/0.png"), _dir.File("pool/dog/indoor/0.png") }, joined.Select(DataSplit.Train, SampleSource.Synthetic).Select(r => r.ImagePath));
        joined.Save(_dir.File("joined/manifest.csv"));
        Assert.Equal(5, ImageManifest.Load(_dir.File("joined/manifest.csv")).Rows.Count);
        Assert.Empty(Directory.GetFiles(_dir.File("joined"), "*.tmp"));
    }

    [Fact]
    public void WithSyntheticPool_UnknownLabelOrRealRows_SaysWhy()
    {
        ImageManifest manifest = ImageManifest.Load(_dir.Text("m.csv", GoodImages()));
        _dir.Png("pool/bird/indoor/0.png", 30, 90, 160);

        var unknown = Assert.Throws<InvalidDataException>(() => manifest.WithSyntheticPool(ImageManifest.FromFolder(_dir.File("pool"), SampleSource.Synthetic)));
        Assert.Equal("The synthetic pool has label 'bird', which no real row has; generate the pool from a plan made for this manifest ('ffr plan --manifest ...').", unknown.Message);

        var real = Assert.Throws<InvalidDataException>(() => manifest.WithSyntheticPool(manifest));
        Assert.StartsWith("The synthetic pool has real rows (for example ", real.Message);
    }
}
