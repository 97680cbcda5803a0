using System.Buffers;

namespace Ffr.MLNet.Batching;

/// <summary>
/// A batch of normalised images, NCHW floats, with the indices of their rows. Its buffer is rented
/// from a pool: dispose the batch when its pixels have been copied (into a tensor, say).
/// </summary>
public sealed class ImageBatch : IDisposable
{
    private float[]? _buffer;

    internal ImageBatch(int epoch, int index, int[] rows, int height, int width)
    {
        Epoch = epoch;
        Index = index;
        RowIndices = rows;
        Height = height;
        Width = width;
        _buffer = ArrayPool<float>.Shared.Rent(rows.Length * 3 * height * width);
    }

    /// <summary>The epoch it belongs to.</summary>
    public int Epoch { get; }

    /// <summary>Its position in the epoch.</summary>
    public int Index { get; }

    /// <summary>Images in the batch.</summary>
    public int Count => RowIndices.Length;

    /// <summary>Channels per image (3, RGB).</summary>
    public int Channels => 3;

    /// <summary>Image height.</summary>
    public int Height { get; }

    /// <summary>Image width.</summary>
    public int Width { get; }

    /// <summary>Index into the batcher's rows of each image, in batch order.</summary>
    public int[] RowIndices { get; }

    /// <summary>The pixels: Count x 3 x Height x Width floats.</summary>
    public Span<float> Pixels => (_buffer ?? throw new ObjectDisposedException(nameof(ImageBatch))).AsSpan(0, Count * 3 * Height * Width);

    /// <summary>The pixels of image <paramref name="i"/> of the batch.</summary>
    public Span<float> Image(int i) => Pixels.Slice(i * 3 * Height * Width, 3 * Height * Width);

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        float[]? buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }
}
