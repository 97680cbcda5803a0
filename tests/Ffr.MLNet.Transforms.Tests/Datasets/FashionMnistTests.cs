using System.IO.Compression;
using Ffr.MLNet.Datasets;

namespace Ffr.MLNet.Transforms.Tests.Datasets;

public sealed class FashionMnistTests
{
    [Fact]
    public void LoadEmbedded_Has3000ImagesOfEachOfFourClasses()
    {
        GrayImageSet set = FashionMnist.LoadEmbedded();

        Assert.Equal(12_000, set.Count);
        Assert.Equal(28, set.Height);
        Assert.Equal(28, set.Width);
        var byLabel = set.IndicesByLabel();
        Assert.Equal(FashionMnist.EmbeddedClasses, byLabel.Keys.ToArray());
        Assert.All(byLabel.Values, ids => Assert.Equal(3000, ids.Length));
    }

    [Fact]
    public void LoadEmbedded_ImagesAreNotBlank()
    {
        GrayImageSet set = FashionMnist.LoadEmbedded();
        for (int i = 0; i < set.Count; i += 997)
        {
            ReadOnlySpan<byte> image = set.GetImage(i);
            Assert.True(image.IndexOfAnyExcept((byte)0) >= 0, $"image {i} is all black");
        }
    }

    [Fact]
    public void LoadEmbedded_EqualsFirst3000PerClassOfOfficialTrainingFile_WhenInstalled()
    {
        if (!FashionMnist.IsSystemAvailable())
        {
            return; // provenance check needs Debian's dataset-fashion-mnist
        }

        GrayImageSet embedded = FashionMnist.LoadEmbedded();
        GrayImageSet full = FashionMnist.LoadSystem();
        Assert.Equal(70_000, full.Count);
        var fullByLabel = full.IndicesByLabel();
        var embeddedByLabel = embedded.IndicesByLabel();
        foreach (int label in FashionMnist.EmbeddedClasses)
        {
            int[] source = fullByLabel[label];
            int[] mine = embeddedByLabel[label];
            for (int k = 0; k < mine.Length; k++)
            {
                Assert.True(embedded.GetImage(mine[k]).SequenceEqual(full.GetImage(source[k])), $"class {label} image {k} differs");
            }
        }
    }

    [Fact]
    public void LoadSystem_MissingFolder_SaysHowToInstall()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ffr-no-such-dir-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.Throws<FileNotFoundException>(() => FashionMnist.LoadSystem(dir));
        Assert.Contains("apt-get install dataset-fashion-mnist", ex.Message);
        Assert.Contains(Path.Combine(dir, "train-images-idx3-ubyte.gz"), ex.Message);
    }

    [Fact]
    public void ReadImages_PlainAndGzipped_GiveSamePixels()
    {
        byte[] idx = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40 };
        var plain = IdxReader.ReadImages(new MemoryStream(idx), "plain");
        var zipped = new MemoryStream();
        using (var gz = new GZipStream(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            gz.Write(idx);
        }

        zipped.Position = 0;
        var unzipped = IdxReader.ReadImages(zipped, "zipped");
        Assert.Equal((2, 1, 2), (plain.Count, plain.Height, plain.Width));
        Assert.Equal(new byte[] { 10, 20, 30, 40 }, plain.Pixels);
        Assert.Equal(plain.Pixels, unzipped.Pixels);
    }

    [Fact]
    public void ReadImages_LabelsFile_ThrowsNamingFileAndHeader()
    {
        byte[] labels = { 0, 0, 8, 1, 0, 0, 0, 1, 7 };
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(new MemoryStream(labels), "labels.idx"));
        Assert.Equal("'labels.idx' is not an IDX file of unsigned bytes with 3 dimension(s): its header is 00000801, expected 00000803. Pass the matching images (idx3) or labels (idx1) file.", ex.Message);
    }

    [Fact]
    public void ReadLabels_Truncated_SaysFileIsTruncated()
    {
        byte[] labels = { 0, 0, 8, 1, 0, 0, 0, 5, 7 };
        var ex = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(new MemoryStream(labels), "short.idx"));
        Assert.StartsWith("'short.idx' ends early", ex.Message);
    }
}
