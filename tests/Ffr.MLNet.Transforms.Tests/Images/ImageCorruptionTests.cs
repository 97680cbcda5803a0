using Ffr.MLNet.Images;

namespace Ffr.MLNet.Transforms.Tests.Images;

public sealed class ImageCorruptionTests
{
    private static RgbImage Checkerboard()
    {
        var image = new RgbImage(16, 16);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                byte v = (byte)((x + y) % 2 == 0 ? 230 : 20);
                int o = (y * 16 + x) * 3;
                (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]) = (v, (byte)(v / 2), 128);
            }
        }

        return image;
    }

    /// <summary>A bright square on a dark background: smooth areas and edges.</summary>
    private static RgbImage Square()
    {
        var image = new RgbImage(16, 16);
        for (int y = 0; y < 16; y++)
        {
            for (int x = 0; x < 16; x++)
            {
                byte v = (byte)(x is >= 5 and < 11 && y is >= 5 and < 11 ? 230 : 20);
                int o = (y * 16 + x) * 3;
                (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]) = (v, v, 128);
            }
        }

        return image;
    }

    private static double MeanAbsDiff(RgbImage a, RgbImage b) => a.Pixels.Zip(b.Pixels).Average(p => Math.Abs(p.First - p.Second));

    [Theory]
    [InlineData(ImageCorruptionKind.Pixelate)]
    [InlineData(ImageCorruptionKind.DefocusBlur)]
    [InlineData(ImageCorruptionKind.GaussianNoise)]
    public void Apply_SeverityOneToFive_ChangesMoreAsSeverityGrows(ImageCorruptionKind kind)
    {
        RgbImage image = Square();
        Assert.Same(image, ImageCorruption.Apply(image, kind, 0, new Random(1)));
        double[] diffs = Enumerable.Range(1, 5).Select(s => MeanAbsDiff(image, ImageCorruption.Apply(image, kind, s, new Random(1)))).ToArray();
        Assert.True(diffs[0] > 0, $"{kind} at severity 1 changed nothing");
        Assert.True(diffs[4] >= diffs[0], $"{kind}: severity 5 ({diffs[4]:0.0}) changes less than severity 1 ({diffs[0]:0.0})");
    }

    [Fact]
    public void Apply_GaussianNoise_IsDeterministicForASeed()
    {
        RgbImage image = Checkerboard();
        Assert.Equal(ImageCorruption.Apply(image, ImageCorruptionKind.GaussianNoise, 3, new Random(7)).Pixels,
                     ImageCorruption.Apply(image, ImageCorruptionKind.GaussianNoise, 3, new Random(7)).Pixels);
    }

    [Fact]
    public void Apply_SeverityOutOfRange_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ImageCorruption.Apply(Checkerboard(), ImageCorruptionKind.Pixelate, 6, new Random()));
        Assert.StartsWith("Severity must be between 0 (none) and 5 (strong).", ex.Message);
    }

    [Fact]
    public void RgbImage_PngRoundTrip_FlipAndChw()
    {
        RgbImage image = Checkerboard();
        RgbImage decoded = RgbImage.Decode(new MemoryStream(image.EncodePng()), "mem", out bool gray);
        Assert.False(gray);
        Assert.Equal(image.Pixels, decoded.Pixels);

        RgbImage flipped = image.FlipHorizontal();
        Assert.Equal(image.Pixels[..3], flipped.Pixels[(15 * 3)..(16 * 3)]);

        var chw = new float[3 * 16 * 16];
        image.WriteChw(chw, new[] { 0f, 0f, 0f }, new[] { 1f, 1f, 1f });
        Assert.Equal(230 / 255f, chw[0], 6);          // R of pixel (0,0)
        Assert.Equal(115 / 255f, chw[256], 6);        // G plane
        Assert.Equal(128 / 255f, chw[512 + 17], 6);   // B plane, pixel (1,1)
    }
}
