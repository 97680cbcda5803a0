namespace Ffr.MLNet.Images;

/// <summary>The corruptions the FFR paper applies to synthetic images to widen the synthetic-real gap.</summary>
public enum ImageCorruptionKind
{
    /// <summary>Down-sample then up-sample with nearest neighbour: blocky pixels.</summary>
    Pixelate,

    /// <summary>Average over a disc (an out-of-focus lens).</summary>
    DefocusBlur,

    /// <summary>Add zero-mean Gaussian noise to every channel.</summary>
    GaussianNoise,
}

/// <summary>
/// Image corruptions at severity 1 (mild) to 5 (strong), following the levels of the common
/// corruption benchmarks (Hendrycks and Dietterich, 2019) that the FFR paper uses. Deterministic
/// for a given <see cref="Random"/>; severity 0 returns the image unchanged.
/// </summary>
public static class ImageCorruption
{
    private static readonly double[] PixelateFactor = { 1, 0.6, 0.5, 0.4, 0.3, 0.25 };
    private static readonly double[] DefocusRadius = { 0, 1, 1.5, 2, 3, 4 };
    private static readonly double[] NoiseSigma = { 0, 0.04, 0.06, 0.08, 0.09, 0.10 };

    /// <summary>Applies <paramref name="kind"/> at <paramref name="severity"/> (0 to 5); returns a new image.</summary>
    /// <param name="image">The image; not modified.</param>
    /// <param name="kind">Which corruption.</param>
    /// <param name="severity">0 (none) to 5 (strong).</param>
    /// <param name="random">Source of noise (Gaussian noise only).</param>
    public static RgbImage Apply(RgbImage image, ImageCorruptionKind kind, int severity, Random random)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(random);
        if (severity is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(severity), severity, "Severity must be between 0 (none) and 5 (strong).");
        }

        if (severity == 0)
        {
            return image;
        }

        return kind switch
        {
            ImageCorruptionKind.Pixelate => Pixelate(image, PixelateFactor[severity]),
            ImageCorruptionKind.DefocusBlur => Defocus(image, DefocusRadius[severity]),
            ImageCorruptionKind.GaussianNoise => Noise(image, NoiseSigma[severity] * 255, random),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown corruption."),
        };
    }

    private static RgbImage Pixelate(RgbImage image, double factor)
    {
        int w = Math.Max(1, (int)Math.Round(image.Width * factor));
        int h = Math.Max(1, (int)Math.Round(image.Height * factor));
        RgbImage small = image.Resize(w, h);
        var pixels = new byte[image.Pixels.Length];
        for (int y = 0; y < image.Height; y++)
        {
            int sy = Math.Min(h - 1, y * h / image.Height);
            for (int x = 0; x < image.Width; x++)
            {
                int sx = Math.Min(w - 1, x * w / image.Width);
                Buffer.BlockCopy(small.Pixels, (sy * w + sx) * 3, pixels, (y * image.Width + x) * 3, 3);
            }
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }

    private static RgbImage Defocus(RgbImage image, double radius)
    {
        int r = (int)Math.Ceiling(radius);
        var offsets = new List<(int Dx, int Dy)>();
        for (int dy = -r; dy <= r; dy++)
        {
            for (int dx = -r; dx <= r; dx++)
            {
                if (dx * dx + dy * dy <= radius * radius)
                {
                    offsets.Add((dx, dy));
                }
            }
        }

        var pixels = new byte[image.Pixels.Length];
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                int r0 = 0, g0 = 0, b0 = 0;
                foreach ((int dx, int dy) in offsets)
                {
                    int sx = Math.Clamp(x + dx, 0, image.Width - 1);
                    int sy = Math.Clamp(y + dy, 0, image.Height - 1);
                    int i = (sy * image.Width + sx) * 3;
                    r0 += image.Pixels[i];
                    g0 += image.Pixels[i + 1];
                    b0 += image.Pixels[i + 2];
                }

                int o = (y * image.Width + x) * 3;
                pixels[o] = (byte)((r0 + offsets.Count / 2) / offsets.Count);
                pixels[o + 1] = (byte)((g0 + offsets.Count / 2) / offsets.Count);
                pixels[o + 2] = (byte)((b0 + offsets.Count / 2) / offsets.Count);
            }
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }

    private static RgbImage Noise(RgbImage image, double sigma, Random random)
    {
        var pixels = new byte[image.Pixels.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
            double n = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
            pixels[i] = (byte)Math.Clamp(Math.Round(image.Pixels[i] + sigma * n), 0, 255);
        }

        return new RgbImage(image.Width, image.Height, pixels);
    }
}
