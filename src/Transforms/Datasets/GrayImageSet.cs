namespace Ffr.MLNet.Datasets;

/// <summary>
/// An in-memory set of same-sized 8-bit grayscale images with integer labels, stored as one
/// contiguous pixel array (row-major, image after image).
/// </summary>
public sealed class GrayImageSet
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;

    /// <summary>Creates the set; <paramref name="pixels"/> holds labels.Length x height x width bytes.</summary>
    public GrayImageSet(byte[] pixels, byte[] labels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.LongLength != (long)labels.Length * height * width)
        {
            throw new ArgumentException(
                $"{pixels.LongLength} pixel bytes do not make {labels.Length} images of {height}x{width}.", nameof(pixels));
        }

        _pixels = pixels;
        _labels = labels;
        Height = height;
        Width = width;
    }

    /// <summary>Number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>The label of image <paramref name="index"/>.</summary>
    public int GetLabel(int index) => _labels[index];

    /// <summary>The pixels of image <paramref name="index"/>, row-major, 0 = black.</summary>
    public ReadOnlySpan<byte> GetImage(int index) => _pixels.AsSpan(index * Height * Width, Height * Width);

    /// <summary>Indices of the images of each label, in file order.</summary>
    public IReadOnlyDictionary<int, int[]> IndicesByLabel() =>
        Enumerable.Range(0, Count).GroupBy(GetLabel).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.ToArray());

    /// <summary>The images of <paramref name="first"/> followed by those of <paramref name="second"/>.</summary>
    public static GrayImageSet Concat(GrayImageSet first, GrayImageSet second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Height != second.Height || first.Width != second.Width)
        {
            throw new ArgumentException($"Cannot concatenate {first.Height}x{first.Width} images with {second.Height}x{second.Width} images.", nameof(second));
        }

        return new GrayImageSet(first._pixels.Concat(second._pixels).ToArray(), first._labels.Concat(second._labels).ToArray(), first.Height, first.Width);
    }
}
