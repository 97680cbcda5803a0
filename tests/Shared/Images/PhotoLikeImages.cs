using Ffr.MLNet.Images;
using Ffr.MLNet.IO;
using SkiaSharp;

namespace Ffr.MLNet.Tests;

/// <summary>
/// Photo-like test images made in code: smooth colour gradients, a soft blob and pixel noise (so that
/// every resampling method gives different pixels), written as PNG or JPEG, with or without
/// transparency, or as single-channel PNG.
/// </summary>
internal static class PhotoLikeImages
{
    /// <summary>A seeded image; <paramref name="tint"/> shifts its colours (e.g. by class).</summary>
    public static RgbImage Make(int width, int height, int seed, (int R, int G, int B) tint = default)
    {
        var random = new Random(seed);
        double cx = random.NextDouble() * width, cy = random.NextDouble() * height, radius = (0.2 + 0.3 * random.NextDouble()) * Math.Min(width, height);
        double phase = random.NextDouble() * Math.PI * 2;
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double u = (double)x / width, v = (double)y / height;
                double blob = Math.Exp(-(((x - cx) * (x - cx)) + ((y - cy) * (y - cy))) / (2 * radius * radius));
                double wave = 0.5 + 0.5 * Math.Sin((u * 3 + v * 2) * Math.PI + phase);
                int i = (y * width + x) * 3;
                pixels[i] = Clamp(60 + 120 * u + 60 * blob + tint.R + random.Next(-12, 13));
                pixels[i + 1] = Clamp(40 + 100 * v + 70 * wave + tint.G + random.Next(-12, 13));
                pixels[i + 2] = Clamp(90 + 80 * (1 - u) * v + 50 * blob + tint.B + random.Next(-12, 13));
            }
        }

        return new RgbImage(width, height, pixels);
    }

    /// <summary>
    /// Writes <paramref name="image"/> by the extension of <paramref name="path"/>: .png, or .jpg (quality 90).
    /// With <paramref name="transparent"/>, a PNG gets an alpha channel falling from 255 to 0 across the image.
    /// </summary>
    public static void Write(string path, RgbImage image, bool transparent = false)
    {
        bool jpeg = Path.GetExtension(path) is ".jpg" or ".jpeg";
        if (!jpeg && !transparent)
        {
            image.SavePng(path);
            return;
        }

        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[image.Width * image.Height * 4];
        for (int p = 0; p < image.Width * image.Height; p++)
        {
            rgba[p * 4] = image.Pixels[p * 3];
            rgba[p * 4 + 1] = image.Pixels[p * 3 + 1];
            rgba[p * 4 + 2] = image.Pixels[p * 3 + 2];
            rgba[p * 4 + 3] = transparent ? (byte)(255 - 255 * (p % image.Width) / Math.Max(1, image.Width - 1)) : (byte)255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        using SKData data = bitmap.Encode(jpeg ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png, jpeg ? 90 : 100);
        AtomicFile.WriteBytes(path, data.ToArray());
    }

    /// <summary>Writes a single-channel (Gray8) PNG of the image's green channel.</summary>
    public static void WriteGray(string path, RgbImage image)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var gray = new byte[image.Width * image.Height];
        for (int p = 0; p < gray.Length; p++)
        {
            gray[p] = image.Pixels[p * 3 + 1];
        }

        System.Runtime.InteropServices.Marshal.Copy(gray, 0, bitmap.GetPixels(), gray.Length);
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteBytes(path, data.ToArray());
    }

    private static byte Clamp(double value) => (byte)Math.Clamp((int)Math.Round(value), 0, 255);
}
