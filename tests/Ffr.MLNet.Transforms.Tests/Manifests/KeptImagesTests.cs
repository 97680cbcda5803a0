using Ffr.MLNet.Batching;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Transforms.Tests.Manifests;

/// <summary>
/// ManifestLoadOptions.KeepDecodedMegabytes: the check's decoded images kept within the budget for the rows that stay,
/// the same pixels as the files decode to, and taken (once) by a batcher instead of decoding the files again.
/// </summary>
public sealed class KeptImagesTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_WithABudget_KeepsEveryImage_AsTheFileDecodes()
    {
        ImageManifest manifest = ImageManifest.Load(Manifest(4, size: 8), new ManifestLoadOptions { KeepDecodedMegabytes = 1 });

        Assert.NotNull(manifest.Decoded);
        Assert.Equal(4, manifest.Decoded!.Count);
        foreach (ImageRow row in manifest.Rows)
        {
            Assert.Equal(RgbImage.Load(row.ImagePath).Pixels, manifest.Decoded.Peek(row.ImagePath)!.Pixels);
        }
    }

    [Fact]
    public void Load_KeepsNoMoreThanTheBudget()
    {
        // 300 x 300 x 3 = 270,000 bytes an image: three fit in a megabyte, the fourth and fifth do not.
        ImageManifest manifest = ImageManifest.Load(Manifest(5, size: 300), new ManifestLoadOptions { KeepDecodedMegabytes = 1 });

        Assert.Equal(3, manifest.Decoded!.Count);
        Assert.Equal(5, manifest.Rows.Count);
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(64, false)]
    public void Load_WithoutABudgetOrWithoutTheCheck_KeepsNone(int megabytes, bool verify)
    {
        ImageManifest manifest = ImageManifest.Load(Manifest(2, size: 8), new ManifestLoadOptions { KeepDecodedMegabytes = megabytes, VerifyImages = verify });

        Assert.Null(manifest.Decoded);
    }

    [Fact]
    public void Load_NegativeBudget_IsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ImageManifest.Load(Manifest(1, size: 8), new ManifestLoadOptions { KeepDecodedMegabytes = -1 }));
        Assert.Contains("KeepDecodedMegabytes", error.Message);
    }

    [Fact]
    public void Load_RowsLeftOut_KeepNoImage()
    {
        _dir.Png("c.png", 200, 10, 10);
        _dir.Png("d.png", 10, 200, 10);
        _dir.Png("gray.png", 90, 90, 90);
        _dir.Png("stray.png", 10, 10, 200);
        string csv = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\n" +
            "c.png,cat,in,real,train\nd.png,dog,out,real,train\ngray.png,cat,out,real,val\nstray.png,bird,in,synthetic,train\n");

        ImageManifest manifest = ImageManifest.Load(csv, new ManifestLoadOptions { KeepDecodedMegabytes = 1, FilterGrayscale = true, SkipInvalidRows = true });

        Assert.Equal(2, manifest.Rows.Count);
        Assert.Equal(2, manifest.Decoded!.Count);
        Assert.Null(manifest.Decoded.Peek(_dir.File("gray.png")));
        Assert.Null(manifest.Decoded.Peek(_dir.File("stray.png")));
    }

    [Fact]
    public void Batcher_TakesTheKeptImages_InsteadOfReadingTheFiles_Once()
    {
        ImageManifest manifest = ImageManifest.Load(Manifest(3, size: 8), new ManifestLoadOptions { KeepDecodedMegabytes = 1 });
        byte[][] expected = manifest.Rows.Select(r => RgbImage.Load(r.ImagePath).Pixels).ToArray();
        foreach (ImageRow row in manifest.Rows)
        {
            File.Delete(row.ImagePath); // only the kept pixels are left
        }

        var batcher = new ImageBatcher(manifest.Rows, new ImageBatcherOptions { Shuffle = false }, manifest.Decoded);
        var bytes = new byte[3 * 8 * 8 * 3];
        batcher.DecodeBytes(0, 3, bytes);

        Assert.Equal(expected.SelectMany(p => p), bytes);
        Assert.Equal(0, manifest.Decoded!.Count); // handed over: the batcher's caller holds them from now on

        var again = Assert.Throws<InvalidDataException>(() => batcher.DecodeBytes(0, 1, bytes));
        Assert.Contains(manifest.Rows[0].ImagePath, again.Message);
    }

    [Fact]
    public void WithSyntheticPool_KeepsTheImagesOfTheRowsItHolds()
    {
        _dir.Png("r1.png", 200, 10, 10);
        _dir.Png("r2.png", 10, 200, 10);
        _dir.Png("own.png", 90, 30, 20);
        _dir.Png("pool/s1.png", 10, 10, 200);
        string real = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\nr1.png,cat,in,real,train\nr2.png,dog,out,real,val\nown.png,dog,in,synthetic,train\n");
        string pool = _dir.Text("pool/m.csv", "ImagePath,Label,Attribute,Source,Split\ns1.png,cat,out,synthetic,train\n");
        var options = new ManifestLoadOptions { KeepDecodedMegabytes = 1 };

        ImageManifest joined = ImageManifest.Load(real, options).WithSyntheticPool(ImageManifest.Load(pool, options));

        Assert.Equal(3, joined.Decoded!.Count);
        Assert.NotNull(joined.Decoded.Peek(_dir.File("pool/s1.png")));
        Assert.Null(joined.Decoded.Peek(_dir.File("own.png"))); // the manifest's own synthetic rows were replaced by the pool's
    }

    [Fact]
    public void Load_KeepsNoTestImage()
    {
        _dir.Png("a.png", 200, 10, 10);
        _dir.Png("b.png", 10, 200, 10);
        _dir.Png("t.png", 10, 10, 200);
        string csv = _dir.Text("m.csv", "ImagePath,Label,Attribute,Source,Split\na.png,cat,in,real,train\nb.png,dog,out,real,val\nt.png,dog,in,real,test\n");

        ImageManifest manifest = ImageManifest.Load(csv, new ManifestLoadOptions { KeepDecodedMegabytes = 1 });

        Assert.Equal(2, manifest.Decoded!.Count);
        Assert.Null(manifest.Decoded.Peek(_dir.File("t.png"))); // evaluation reads test images later, apart from training
    }

    /// <summary>A manifest of <paramref name="count"/> real training images of distinct colours.</summary>
    private string Manifest(int count, int size)
    {
        var lines = new List<string> { "ImagePath,Label,Attribute,Source,Split" };
        for (int i = 0; i < count; i++)
        {
            _dir.Png($"img/{i}.png", (byte)(20 * i), (byte)(200 - (20 * i)), 77, size);
            lines.Add($"img/{i}.png,{(i % 2 == 0 ? "cat" : "dog")},in,real,train");
        }

        return _dir.Text("m.csv", string.Join('\n', lines) + "\n");
    }
}
