using System.Collections.Concurrent;

namespace Ffr.MLNet.Images;

/// <summary>
/// Images a manifest's check decoded, kept within a byte budget for the reader that trains on them, so that each image is
/// decoded once: <see cref="Take"/> hands an image over and forgets it (the reader holds it from then on, or lets it go).
/// Keyed by full path; thread-safe. The pixels are the ones <see cref="RgbImage.Load"/> gives for the file.
/// </summary>
internal sealed class DecodedImages
{
    private readonly ConcurrentDictionary<string, RgbImage> _images = new(StringComparer.Ordinal);
    private long _left;

    public DecodedImages(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        _left = bytes;
    }

    /// <summary>Images kept and not yet taken.</summary>
    public int Count => _images.Count;

    /// <summary>Whether the budget has room for <paramref name="bytes"/> more; the room is taken when it has.</summary>
    public bool TryReserve(long bytes)
    {
        if (Interlocked.Add(ref _left, -bytes) >= 0)
        {
            return true;
        }

        Interlocked.Add(ref _left, bytes);
        return false;
    }

    /// <summary>Gives back bytes reserved for an image that is not kept after all.</summary>
    public void Release(long bytes) => Interlocked.Add(ref _left, bytes);

    /// <summary>Forgets every image not taken (what a fit did not use), and their budget with them.</summary>
    public void Clear() => _images.Clear();

    /// <summary>Keeps <paramref name="image"/> (whose bytes were reserved) for the file at <paramref name="path"/>.</summary>
    public void Keep(string path, RgbImage image) => _images[path] = image;

    /// <summary>The image kept for <paramref name="path"/>, handed over and forgotten; null when none is.</summary>
    public RgbImage? Take(string path) => _images.TryRemove(path, out RgbImage? image) ? image : null;

    /// <summary>The image kept for <paramref name="path"/>, left in place; null when none is.</summary>
    public RgbImage? Peek(string path) => _images.TryGetValue(path, out RgbImage? image) ? image : null;

    /// <summary>The images of both (either may be null) for the files in <paramref name="paths"/>; null when both are null.</summary>
    public static DecodedImages? Merge(DecodedImages? first, DecodedImages? second, IEnumerable<string> paths)
    {
        if (first is null && second is null)
        {
            return null;
        }

        var merged = new DecodedImages(0);
        foreach (string path in paths)
        {
            if ((first?.Peek(path) ?? second?.Peek(path)) is RgbImage image)
            {
                merged._images[path] = image;
            }
        }

        return merged;
    }
}
