using Ffr.MLNet.Batching;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Tests;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Ffr.MLNet.Transforms.Tests.Batching;

/// <summary>
/// The batcher (training, validation, evaluation) and a saved model's chain (ML.NET's LoadImages,
/// ResizeImages with Fill, ExtractPixels) turn the same file into the same pixels, byte for byte.
/// </summary>
public sealed class ScoringChainParityTests : IDisposable
{
    private const int Side = 32;
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class PathRow
    {
        public string ImagePath { get; set; } = string.Empty;
    }

    private sealed class PixelsRow
    {
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    /// <summary>What the model zip's chain feeds its network: planar R, G, B values in 0..255.</summary>
    private static float[] MLNetPixels(string path, int side)
    {
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new PathRow { ImagePath = path } });
        IDataView pixels = ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: nameof(PathRow.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", side, side, inputColumnName: "Image", resizing: ImageResizingEstimator.ResizingKind.Fill))
            .Append(ml.Transforms.ExtractPixels(nameof(PixelsRow.Pixels), "Image", interleavePixelColors: false))
            .Fit(data).Transform(data);
        return ml.Data.CreateEnumerable<PixelsRow>(pixels, reuseRowObject: false).Single().Pixels;
    }

    /// <summary>The batcher's pixels for one file, with ImageNet's normalisation undone to 0..255 and rounded.</summary>
    private static float[] BatcherPixels(string path, int side)
    {
        var options = new ImageBatcherOptions { ImageSize = side, Shuffle = false, PrefetchBatches = 0 };
        var batcher = new ImageBatcher(new[] { new ImageRow { ImagePath = path, Label = "l", Attribute = "a" } }, options);
        using ImageBatch batch = batcher.ReadEpoch(0).Single();
        float[] values = batch.Pixels.ToArray();
        int plane = side * side;
        return values.Select((v, i) => MathF.Round((v * options.Std[i / plane] + options.Mean[i / plane]) * 255f)).ToArray();
    }

    [Theory]
    [InlineData(300, 200, "photo.png")]
    [InlineData(300, 200, "photo.jpg")]
    [InlineData(48, 40, "small.png")]
    [InlineData(48, 40, "small.jpg")]
    [InlineData(20, 28, "upscaled.png")]
    [InlineData(32, 32, "same-size.jpg")]
    [InlineData(300, 200, "transparent.png")]
    [InlineData(300, 200, "gray.png")]
    public void Batcher_GivesTheModelChainsPixels_ForImagesOfAnotherSize(int width, int height, string name)
    {
        string path = _dir.File(name);
        RgbImage image = PhotoLikeImages.Make(width, height, seed: width + height);
        if (name.StartsWith("gray", StringComparison.Ordinal))
        {
            PhotoLikeImages.WriteGray(path, image);
        }
        else
        {
            PhotoLikeImages.Write(path, image, transparent: name.StartsWith("transparent", StringComparison.Ordinal));
        }

        float[] expected = MLNetPixels(path, Side);
        float[] actual = BatcherPixels(path, Side);

        Assert.Equal(3 * Side * Side, expected.Length);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void ResizeFill_StretchesToTheSquare_NearestPixel()
    {
        var image = new RgbImage(4, 2, new byte[]
        {
            10, 0, 0, 20, 0, 0, 30, 0, 0, 40, 0, 0,
            50, 0, 0, 60, 0, 0, 70, 0, 0, 80, 0, 0,
        });

        RgbImage square = image.ResizeFill(2, 2);

        // Each output pixel takes the source pixel under its centre: columns 1 and 3, rows 0 and 1; no blending.
        Assert.Equal(new byte[] { 20, 0, 0, 40, 0, 0, 60, 0, 0, 80, 0, 0 }, square.Pixels);
        Assert.Same(image, image.ResizeFill(4, 2));
    }
}
