// Over 250 lines: one image type with its codecs and the pixel operations the library needs (resize, flip, normalize), as SkiaSharp's SKBitmap is one type.
using Ffr.MLNet.IO;
using SkiaSharp;

namespace Ffr.MLNet.Images;

/// <summary>
/// An 8-bit RGB image in memory, row-major, channels interleaved (R, G, B per pixel). Decoding,
/// encoding and resizing go through SkiaSharp (the library under ML.NET's ImageAnalytics); decoding
/// and <see cref="ResizeFill"/> give the pixels that ImageAnalytics' LoadImages and ResizeImages (Fill)
/// give for the same file.
/// </summary>
public sealed class RgbImage
{
    /// <summary>Creates an image over <paramref name="pixels"/> (height x width x 3 bytes; not copied).</summary>
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != width * height * 3)
        {
            throw new ArgumentException($"{pixels.Length} bytes do not make a {width}x{height} RGB image ({width * height * 3} bytes).", nameof(pixels));
        }

        Width = width;
        Height = height;
        Pixels = pixels;
    }

    /// <summary>Creates a black image.</summary>
    public RgbImage(int width, int height)
        : this(width, height, new byte[checked(width * height * 3)])
    {
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels: R, G, B bytes, row after row.</summary>
    public byte[] Pixels { get; }

    /// <summary>
    /// The largest image file read: 256 MiB. Files are read whole before they are decoded, so a larger one (no photo is)
    /// is reported as unreadable before it is read.
    /// </summary>
    public const long MaxEncodedBytes = 256L << 20;

    /// <summary>Decodes a PNG, JPEG, BMP or WebP file.</summary>
    /// <exception cref="InvalidDataException">The file is not a readable image, has no pixels, or is larger than <see cref="MaxEncodedBytes"/>; the message names the file.</exception>
    public static RgbImage Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Decode(ReadEncoded(path), path, out _);
    }

    /// <summary>Decodes an encoded image; <paramref name="storedAsGray"/> tells whether the file itself is single-channel.</summary>
    /// <exception cref="InvalidDataException">The stream is not a readable image, or has no pixels; the message names it.</exception>
    public static RgbImage Decode(Stream stream, string name, out bool storedAsGray)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var encoded = new MemoryStream();
        stream.CopyTo(encoded);
        return Decode(encoded.GetBuffer().AsSpan(0, (int)encoded.Length), name, out storedAsGray);
    }

    /// <summary>Decodes an encoded image held in memory; <paramref name="storedAsGray"/> tells whether it is single-channel.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a readable image, or have no pixels; the message names <paramref name="name"/>.</exception>
    public static RgbImage Decode(ReadOnlySpan<byte> encoded, string name, out bool storedAsGray) =>
        DecodeOrEmpty(encoded, name, out storedAsGray, out string? empty) ?? throw new InvalidDataException(empty);

    /// <summary>
    /// An image file's bytes, read whole: images are decoded from memory, since Skia reading through a managed stream
    /// calls back into .NET for every read, which cost as much as decoding a small image.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is larger than <see cref="MaxEncodedBytes"/>.</exception>
    internal static byte[] ReadEncoded(string path)
    {
        using Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(path);
        long length = RandomAccess.GetLength(file);
        if (length > MaxEncodedBytes)
        {
            throw new InvalidDataException($"'{path}' is {length / 1e6:0} MB, more than an image file may be ({MaxEncodedBytes >> 20} MiB): is it an image?");
        }

        var bytes = new byte[length];
        int read = 0;
        while (read < bytes.Length && RandomAccess.Read(file, bytes.AsSpan(read), read) is int n && n > 0)
        {
            read += n;
        }

        return read == bytes.Length ? bytes : bytes[..read];
    }

    /// <summary>
    /// Decodes as <see cref="Decode(ReadOnlySpan{byte}, string, out bool)"/> does, but an image with no pixels (a width or
    /// height of zero) gives null and <paramref name="empty"/>, the sentence saying so, for callers that report empty
    /// images apart from unreadable ones.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a readable image; the message names <paramref name="name"/>.</exception>
    internal static RgbImage? DecodeOrEmpty(ReadOnlySpan<byte> encoded, string name, out bool storedAsGray, out string? empty)
    {
        empty = null;
        storedAsGray = false;
        using SKData data = SKData.CreateCopy(encoded);
        using SKCodec? codec = SKCodec.Create(data);
        if (codec is null)
        {
            throw new InvalidDataException($"'{name}' is not a readable image (PNG, JPEG, BMP or WebP).");
        }

        SKImageInfo source = codec.Info;
        if (source.Width <= 0 || source.Height <= 0)
        {
            empty = $"'{name}' has no pixels ({source.Width}x{source.Height}).";
            return null;
        }

        storedAsGray = source.ColorType == SKColorType.Gray8;

        // As ML.NET's LoadImages decodes (SKBitmap.Decode): no colour-space conversion, and colours
        // premultiplied by their alpha, so transparent parts come out dark, as a saved model sees them.
        // An opaque image is decoded as before, as Unpremul (the same pixels: its alpha is 255).
        SKAlphaType alpha = source.AlphaType == SKAlphaType.Unpremul ? SKAlphaType.Premul : SKAlphaType.Unpremul;
        var info = new SKImageInfo(source.Width, source.Height, SKColorType.Rgba8888, alpha);
        // The RGBA scratch buffer is pooled: a photo's is a large object (200 KB at 224 x 224), and one per
        // decoded image left the large-object heap to grow with the number of images read between collections.
        byte[] rgba = System.Buffers.ArrayPool<byte>.Shared.Rent(info.BytesSize);
        try
        {
            unsafe
            {
                fixed (byte* p = rgba)
                {
                    SKCodecResult result = codec.GetPixels(info, (IntPtr)p);
                    if (result != SKCodecResult.Success)
                    {
                        throw new InvalidDataException($"'{name}' is corrupt: decoding stopped with {result}.");
                    }
                }
            }

            var pixels = new byte[source.Width * source.Height * 3];
            DropAlpha(rgba, pixels);
            return new RgbImage(source.Width, source.Height, pixels);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    /// <summary>
    /// RGBA to RGB. Optimised from its first call: a run decodes thousands of images within its first second, while
    /// tiered compilation would still be running the unoptimised loop (5% of the manifest check's time, measured).
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void DropAlpha(ReadOnlySpan<byte> rgba, Span<byte> rgb)
    {
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
    }

    /// <summary>Encodes as PNG. The bytes are the same for the same pixels (byte-for-byte reproducible).</summary>
    public byte[] EncodePng()
    {
        using SKBitmap bitmap = ToBitmap();
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Writes the image as a PNG file, atomically (<see cref="AtomicFile"/>).</summary>
    public void SavePng(string path) => AtomicFile.WriteBytes(path, EncodePng());

    /// <summary>
    /// A resized copy (bilinear with mipmaps when shrinking), for viewing and for making datasets; the
    /// same image when the size already matches. A network's input is resized with <see cref="ResizeFill"/>.
    /// </summary>
    public RgbImage Resize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == Width && height == Height)
        {
            return this;
        }

        using SKBitmap bitmap = ToBitmap();
        using SKBitmap resized = bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), SKFilterQuality.Medium)
            ?? throw new InvalidOperationException($"SkiaSharp could not resize a {Width}x{Height} image to {width}x{height}.");
        return FromRgba(resized.Bytes, width, height);
    }

    /// <summary>
    /// A copy resized to exactly <paramref name="width"/> x <paramref name="height"/> the way ML.NET's
    /// <c>ResizeImages</c> with <c>ResizingKind.Fill</c> does it (ImageAnalytics 5.0: SkiaSharp's
    /// <c>SKBitmap.Resize</c> with <c>SKFilterQuality.None</c>): each output pixel is the source pixel
    /// under its centre, without blending, and the aspect ratio is not kept (the image is stretched).
    /// The same image when the size already matches, as ML.NET also leaves it. Training, validation and
    /// evaluation resize with this, so a saved model's chain sees the same pixels as the network did.
    /// </summary>
    public RgbImage ResizeFill(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (width == Width && height == Height)
        {
            return this;
        }

        using SKBitmap bitmap = ToBitmap();
        using SKBitmap resized = bitmap.Resize(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul), SKFilterQuality.None)
            ?? throw new InvalidOperationException($"SkiaSharp could not resize a {Width}x{Height} image to {width}x{height}.");
        return FromRgba(resized.Bytes, width, height);
    }

    /// <summary>A left-right mirrored copy.</summary>
    public RgbImage FlipHorizontal()
    {
        var flipped = new byte[Pixels.Length];
        int row = Width * 3;
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                Buffer.BlockCopy(Pixels, y * row + x * 3, flipped, y * row + (Width - 1 - x) * 3, 3);
            }
        }

        return new RgbImage(Width, Height, flipped);
    }

    /// <summary>True when every pixel's channels differ by at most <paramref name="tolerance"/>: a grayscale picture stored as RGB.</summary>
    public bool IsGrayscale(int tolerance = 2)
    {
        byte[] p = Pixels;
        for (int i = 0; i < p.Length; i += 3)
        {
            int max = Math.Max(p[i], Math.Max(p[i + 1], p[i + 2]));
            int min = Math.Min(p[i], Math.Min(p[i + 1], p[i + 2]));
            if (max - min > tolerance)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Writes the image as planar (CHW) floats into <paramref name="destination"/>:
    /// (value / 255 - mean[c]) / std[c] for channel c = R, G, B, the layout ImageAnalytics' ExtractPixels
    /// also produces and a network's NCHW input expects.
    /// </summary>
    public void WriteChw(Span<float> destination, ReadOnlySpan<float> mean, ReadOnlySpan<float> std, bool flip = false)
    {
        int plane = Width * Height;
        if (destination.Length < 3 * plane)
        {
            throw new ArgumentException($"The destination holds {destination.Length} floats; a {Width}x{Height} RGB image needs {3 * plane}.", nameof(destination));
        }

        for (int c = 0; c < 3; c++)
        {
            (float scale, float shift) = Normalization(mean, std, c);
            Span<float> channel = destination.Slice(c * plane, plane);
            for (int y = 0; y < Height; y++)
            {
                int rowStart = y * Width;
                for (int x = 0; x < Width; x++)
                {
                    int sx = flip ? Width - 1 - x : x;
                    channel[rowStart + x] = Normalize(Pixels[(rowStart + sx) * 3 + c], scale, shift);
                }
            }
        }
    }

    /// <summary>
    /// Every byte value's normalised float per channel, [3 * 256] (channel c's value v at c * 256 + v): the same floats
    /// <see cref="WriteChw"/> writes, for readers that look them up instead of computing them (held images).
    /// </summary>
    internal static float[] NormalizationTable(ReadOnlySpan<float> mean, ReadOnlySpan<float> std)
    {
        var table = new float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            (float scale, float shift) = Normalization(mean, std, c);
            for (int v = 0; v < 256; v++)
            {
                table[(c * 256) + v] = Normalize((byte)v, scale, shift);
            }
        }

        return table;
    }

    /// <summary>Channel <paramref name="c"/>'s (value / 255 - mean) / std as value * scale - shift, in single precision.</summary>
    private static (float Scale, float Shift) Normalization(ReadOnlySpan<float> mean, ReadOnlySpan<float> std, int c) => (1f / (255f * std[c]), mean[c] / std[c]);

    /// <summary>One value normalised: rounded after the product and after the difference (no fused multiply-add).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static float Normalize(byte value, float scale, float shift)
    {
        float scaled = value * scale;
        return scaled - shift;
    }

    private SKBitmap ToBitmap()
    {
        var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var rgba = new byte[Width * Height * 4];
        for (int i = 0, j = 0; i < Pixels.Length; i += 3, j += 4)
        {
            rgba[j] = Pixels[i];
            rgba[j + 1] = Pixels[i + 1];
            rgba[j + 2] = Pixels[i + 2];
            rgba[j + 3] = 255;
        }

        System.Runtime.InteropServices.Marshal.Copy(rgba, 0, bitmap.GetPixels(), rgba.Length);
        return bitmap;
    }

    private static RgbImage FromRgba(byte[] rgba, int width, int height)
    {
        var pixels = new byte[width * height * 3];
        DropAlpha(rgba, pixels);
        return new RgbImage(width, height, pixels);
    }
}
