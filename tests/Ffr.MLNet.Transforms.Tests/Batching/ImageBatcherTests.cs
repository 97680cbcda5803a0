using Ffr.MLNet.Batching;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Transforms.Tests.Batching;

public sealed class ImageBatcherTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ImageRow Solid(string name, byte r, byte g, byte b, int size = 4)
    {
        var image = new RgbImage(size, size);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            (image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]) = (r, g, b);
        }

        return new ImageRow { ImagePath = name, Label = "l", Attribute = "a", Image = image };
    }

    private static List<(int[] Rows, float[] Pixels)> Read(ImageBatcher batcher, int epoch)
    {
        var result = new List<(int[], float[])>();
        foreach (ImageBatch batch in batcher.ReadEpoch(epoch))
        {
            using (batch)
            {
                result.Add((batch.RowIndices, batch.Pixels.ToArray()));
            }
        }

        return result;
    }

    [Fact]
    public void ReadEpoch_NormalisesToNchwWithMeanAndStd()
    {
        var rows = new[] { Solid("a", 255, 0, 51) };
        var batcher = new ImageBatcher(rows, new ImageBatcherOptions { Mean = new[] { 0.5f, 0f, 0f }, Std = new[] { 0.5f, 1f, 0.1f } });
        (int[] ids, float[] pixels) = Assert.Single(Read(batcher, 0));

        Assert.Equal(new[] { 0 }, ids);
        Assert.Equal(3 * 16, pixels.Length);
        Assert.All(pixels[..16], v => Assert.Equal(1f, v, 5));      // (1 - 0.5) / 0.5
        Assert.All(pixels[16..32], v => Assert.Equal(0f, v, 5));
        Assert.All(pixels[32..], v => Assert.Equal(2f, v, 5));      // 0.2 / 0.1
    }

    [Fact]
    public void ReadEpoch_ManifestToBatches_PixelValuesMatchTheKnownImage()
    {
        var data = BenchmarkDataset.Create(new BenchmarkDatasetOptions { MajorityPerClass = 10, ValidationPerSubgroup = 1, TestPerSubgroup = 1, SyntheticPerSubgroup = 1 });
        string manifestPath = data.WriteTo(_dir.File("bench"));
        IReadOnlyList<ImageRow> test = ImageManifest.Load(manifestPath).Select(DataSplit.Test);
        var batcher = new ImageBatcher(test, new ImageBatcherOptions { BatchSize = 5, Shuffle = false });

        (int[] ids, float[] pixels) = Read(batcher, 0)[0];
        RgbImage known = data.Test[0].Image!;
        var expected = new float[3 * 32 * 32];
        known.WriteChw(expected, new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f });
        Assert.Equal(0, ids[0]);
        Assert.Equal(expected, pixels[..expected.Length]);
        Assert.Equal((known.Pixels[0] / 255f - 0.485f) / 0.229f, pixels[0], 5);
    }

    [Fact]
    public void ReadEpoch_SameSeedSameOrder_PrefetchOnAndOffAgree_EpochsDiffer()
    {
        var rows = Enumerable.Range(0, 50).Select(i => Solid($"r{i}", (byte)i, (byte)(2 * i), 7)).ToArray();
        ImageBatcher Make(int prefetch) => new(rows, new ImageBatcherOptions { BatchSize = 8, Seed = 3, HorizontalFlip = true, PrefetchBatches = prefetch });

        var on = Read(Make(3), 1);
        var off = Read(Make(0), 1);
        Assert.Equal(7, on.Count);
        Assert.Equal(on.SelectMany(b => b.Rows), off.SelectMany(b => b.Rows));
        Assert.Equal(on.SelectMany(b => b.Pixels), off.SelectMany(b => b.Pixels));
        Assert.Equal(Enumerable.Range(0, 50), on.SelectMany(b => b.Rows).Order());
        Assert.NotEqual(on.SelectMany(b => b.Rows), Read(Make(3), 2).SelectMany(b => b.Rows));
    }

    [Fact]
    public void ReadEpoch_InconsistentSizesWithoutResize_NamesTheImage()
    {
        var rows = new[] { Solid("big", 1, 2, 3, size: 8), Solid("small", 1, 2, 3, size: 4) };
        var ex = Assert.Throws<InvalidDataException>(() => Read(new ImageBatcher(rows, new ImageBatcherOptions { Shuffle = false }), 0));
        Assert.Equal("Image 'small' is 4x4 but the first image is 8x8. Set ImageSize to resize every image to one size.", ex.Message);

        var resized = Read(new ImageBatcher(rows, new ImageBatcherOptions { ImageSize = 6 }), 0);
        Assert.Equal(2 * 3 * 36, resized[0].Pixels.Length);
    }

    [Fact]
    public void ReadEpoch_MissingFile_SurfacesFromThePrefetchTask()
    {
        var rows = new[] { new ImageRow { ImagePath = _dir.File("gone.png"), Label = "l", Attribute = "a" } };
        var batcher = new ImageBatcher(rows, new ImageBatcherOptions { ImageSize = 4 });
        var ex = Assert.Throws<InvalidDataException>(() => Read(batcher, 0));
        Assert.StartsWith($"Image '{_dir.File("gone.png")}' could not be read: Could not find file", ex.Message);
    }

    [Fact]
    public void ReadEpoch_StoppedEarly_ReturnsWithoutHanging()
    {
        var rows = Enumerable.Range(0, 200).Select(i => Solid($"r{i}", 1, 2, 3)).ToArray();
        var batcher = new ImageBatcher(rows, new ImageBatcherOptions { BatchSize = 2, PrefetchBatches = 2 });
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (ImageBatch batch in batcher.ReadEpoch(0, cts.Token))
            {
                batch.Dispose();
                if (++seen == 3)
                {
                    cts.Cancel();
                }
            }
        });
        Assert.Equal(3, seen);
    }
}
