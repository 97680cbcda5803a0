using Ffr.MLNet.Images;

namespace Ffr.MLNet.Explanations;

/// <summary>A RISE heatmap per class for one image: how much each pixel's presence raises the class's score.</summary>
public sealed class SaliencyMap
{
    internal SaliencyMap(int width, int height, float[][] perClass, float[] probabilities)
    {
        Width = width;
        Height = height;
        PerClass = perClass;
        Probabilities = probabilities;
    }

    /// <summary>Width of the maps (the network input).</summary>
    public int Width { get; }

    /// <summary>Height of the maps.</summary>
    public int Height { get; }

    /// <summary>One map per class, row-major, Height x Width.</summary>
    public IReadOnlyList<float[]> PerClass { get; }

    /// <summary>The model's class probabilities for the unmasked image.</summary>
    public IReadOnlyList<float> Probabilities { get; }

    /// <summary>The most probable class.</summary>
    public int PredictedClass => Array.IndexOf(Probabilities.ToArray(), Probabilities.Max());

    /// <summary>
    /// The image (resized to the map) with the class's map laid over it in a blue-to-red colour
    /// scale (min-max normalised), upscaled by <paramref name="scale"/> for viewing.
    /// </summary>
    public RgbImage Overlay(RgbImage image, int classIndex, int scale = 8, double opacity = 0.5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(classIndex, PerClass.Count);
        RgbImage resized = image.Resize(Width, Height);
        float[] map = PerClass[classIndex];
        float min = map.Min(), max = map.Max();
        var pixels = new byte[Width * Height * 3];
        for (int i = 0; i < map.Length; i++)
        {
            double t = max > min ? (map[i] - min) / (max - min) : 0;
            (double r, double g, double b) = (Math.Clamp(1.5 - Math.Abs(4 * t - 3), 0, 1), Math.Clamp(1.5 - Math.Abs(4 * t - 2), 0, 1), Math.Clamp(1.5 - Math.Abs(4 * t - 1), 0, 1));
            pixels[i * 3] = (byte)Math.Round(resized.Pixels[i * 3] * (1 - opacity) + 255 * r * opacity);
            pixels[i * 3 + 1] = (byte)Math.Round(resized.Pixels[i * 3 + 1] * (1 - opacity) + 255 * g * opacity);
            pixels[i * 3 + 2] = (byte)Math.Round(resized.Pixels[i * 3 + 2] * (1 - opacity) + 255 * b * opacity);
        }

        var overlay = new RgbImage(Width, Height, pixels);
        return scale > 1 ? overlay.Resize(Width * scale, Height * scale) : overlay;
    }
}
