// Over 250 lines: the order, decoding and prefetching of batches share the batcher's options and image size; the prefetch pipeline is one unit.
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Batching;

/// <summary>
/// Streams images into normalised NCHW float batches: decodes (SkiaSharp) and resizes in parallel,
/// a bounded number of batches ahead, so memory stays at a few batches whatever the dataset size.
/// The order (and the flips) depend only on the seed and the epoch.
/// </summary>
public sealed class ImageBatcher
{
    private readonly IReadOnlyList<ImageRow> _rows;
    private readonly ImageBatcherOptions _options;
    private readonly DecodedImages? _decoded;
    private int _height;
    private int _width;

    /// <summary>Creates a batcher over <paramref name="rows"/>.</summary>
    public ImageBatcher(IReadOnlyList<ImageRow> rows, ImageBatcherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new ImageBatcherOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegative(options.PrefetchBatches, nameof(options.PrefetchBatches));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.DecodeParallelism, nameof(options.DecodeParallelism));
        if (options.ImageSize is int size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(options.ImageSize));
        }

        if (options.Mean.Length != 3 || options.Std.Length != 3 || options.Std.Any(s => !(s > 0)))
        {
            throw new ArgumentException("Mean and Std need three values (R, G, B), and every Std must be positive.", nameof(options));
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException("There are no rows to batch.", nameof(rows));
        }

        _rows = rows;
        _options = options;
    }

    /// <summary>A batcher that takes the images <paramref name="decoded"/> kept for its rows instead of decoding their files again.</summary>
    internal ImageBatcher(IReadOnlyList<ImageRow> rows, ImageBatcherOptions? options, DecodedImages? decoded)
        : this(rows, options)
    {
        _decoded = decoded;
    }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => BatchesFor(_rows.Count);

    /// <summary>Height and width of the batches' images (known after the first epoch starts, or from ImageSize).</summary>
    public (int Height, int Width) ImageShape
    {
        get
        {
            EnsureSize();
            return (_height, _width);
        }
    }

    /// <summary>Images per batch.</summary>
    public int BatchSize => _options.BatchSize;

    /// <summary>The per-channel (R, G, B) mean and standard deviation the batches are normalised with: (v / 255 - mean) / std.</summary>
    public (IReadOnlyList<float> Mean, IReadOnlyList<float> Std) Normalization => (_options.Mean, _options.Std);

    /// <summary>The rows batched.</summary>
    public IReadOnlyList<ImageRow> Rows => _rows;

    /// <summary>The row order of an epoch: a seeded permutation, or 0..n-1 without shuffling.</summary>
    public int[] Order(int epoch)
    {
        int[] order = Enumerable.Range(0, _rows.Count).ToArray();
        if (_options.Shuffle)
        {
            new Random(StableSeed.Combine(_options.Seed, epoch)).Shuffle(order);
        }

        return order;
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>. Dispose each batch after use. Stopping the
    /// enumeration early (or cancelling) stops the decoding and returns the queued buffers.
    /// </summary>
    /// <exception cref="InvalidDataException">An image cannot be read, or has another size than the first one while <see cref="ImageBatcherOptions.ImageSize"/> is null.</exception>
    public IEnumerable<ImageBatch> ReadEpoch(int epoch, CancellationToken cancellationToken = default) =>
        ReadEpoch(epoch, Order(epoch), cancellationToken);

    /// <summary>
    /// The batches of an epoch that visits rows in <paramref name="order"/> (indices into the rows,
    /// repeats allowed: a resampled epoch). Dispose each batch after use.
    /// </summary>
    public IEnumerable<ImageBatch> ReadEpoch(int epoch, int[] order, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (order.Any(i => (uint)i >= (uint)_rows.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(order), $"The order holds an index outside 0..{_rows.Count - 1}.");
        }

        return ReadOrdered(epoch, order, cancellationToken);
    }

    /// <summary>Batches in an epoch of <paramref name="rows"/> rows.</summary>
    public int BatchesFor(int rows) => _options.DropLast ? rows / _options.BatchSize : (rows + _options.BatchSize - 1) / _options.BatchSize;

    private IEnumerable<ImageBatch> ReadOrdered(int epoch, int[] order, CancellationToken cancellationToken)
    {
        int batches = BatchesFor(order.Length);
        EnsureSize();
        if (_options.PrefetchBatches == 0)
        {
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return Build(epoch, b, order, cancellationToken);
            }

            yield break;
        }

        var channel = Channel.CreateBounded<ImageBatch>(new BoundedChannelOptions(_options.PrefetchBatches) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task producer = Task.Run(async () =>
        {
            try
            {
                for (int b = 0; b < batches; b++)
                {
                    ImageBatch batch = Build(epoch, b, order, stop.Token);
                    try
                    {
                        await channel.Writer.WriteAsync(batch, stop.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        batch.Dispose();
                        throw;
                    }
                }

                channel.Writer.Complete();
            }
            catch (Exception ex)
            {
                channel.Writer.Complete(ex);
            }
        });

        try
        {
            while (true)
            {
                ImageBatch? next = Next(channel.Reader, cancellationToken);
                if (next is null)
                {
                    break;
                }

                yield return next;
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
            }

            while (channel.Reader.TryRead(out ImageBatch? left))
            {
                left.Dispose();
            }
        }
    }

    private static ImageBatch? Next(ChannelReader<ImageBatch> reader, CancellationToken cancellationToken)
    {
        try
        {
            if (!reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                return null;
            }
        }
        catch (ChannelClosedException ex) when (ex.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
        }

        if (reader.Completion.IsFaulted && !reader.TryPeek(out _))
        {
            ExceptionDispatchInfo.Capture(reader.Completion.Exception!.InnerException!).Throw();
        }

        return reader.TryRead(out ImageBatch? batch) ? batch : Next(reader, cancellationToken);
    }

    private void EnsureSize()
    {
        if (_height > 0)
        {
            return;
        }

        if (_options.ImageSize is int size)
        {
            _height = _width = size;
            return;
        }

        RgbImage first = Kept(_rows[0], take: false) ?? _rows[0].LoadImage();
        _height = first.Height;
        _width = first.Width;
    }

    /// <summary>Whether the image at <paramref name="position"/> of epoch <paramref name="epoch"/>'s order is mirrored (seeded by the epoch and the position).</summary>
    public bool Flipped(int epoch, int position) => _options.HorizontalFlip && (StableSeed.Combine(_options.Seed, epoch, position, 0x5F) & 1) == 1;

    /// <summary>
    /// Decodes rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + <paramref name="count"/> - 1 (resized when
    /// <see cref="ImageBatcherOptions.ImageSize"/> is set) into <paramref name="destination"/> as the images hold their pixels:
    /// row after row, R, G, B interleaved, image after image ([count, height, width, 3]), unscaled and unflipped; in parallel,
    /// with the batches' checks and messages.
    /// </summary>
    /// <exception cref="InvalidDataException">An image cannot be read, or has another size than the first one while <see cref="ImageBatcherOptions.ImageSize"/> is null.</exception>
    public void DecodeBytes(int firstRow, int count, byte[] destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        EnsureSize();
        int imageBytes = 3 * _height * _width;
        if ((uint)firstRow > (uint)_rows.Count || count < 0 || firstRow + count > _rows.Count || destination.Length < (long)count * imageBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows {firstRow}..{firstRow + count - 1} of {_rows.Count} do not fit a destination of {destination.Length} bytes ({imageBytes} per image).");
        }

        InParallel(count, cancellationToken, i => Load(firstRow + i).Pixels.CopyTo(destination.AsSpan(i * imageBytes, imageBytes)));
    }

    private ImageBatch Build(int epoch, int index, int[] order, CancellationToken cancellationToken)
    {
        int start = index * _options.BatchSize;
        int count = Math.Min(_options.BatchSize, order.Length - start);
        int[] rows = order.AsSpan(start, count).ToArray();
        var batch = new ImageBatch(epoch, index, rows, _height, _width);
        try
        {
            InParallel(count, cancellationToken, i => Load(rows[i]).WriteChw(batch.Image(i), _options.Mean, _options.Std, Flipped(epoch, start + i)));
        }
        catch
        {
            batch.Dispose();
            throw;
        }

        return batch;
    }

    /// <summary>Runs <paramref name="body"/> for 0..count-1 on up to DecodeParallelism threads; the first failure is rethrown as itself.</summary>
    private void InParallel(int count, CancellationToken cancellationToken, Action<int> body)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.DecodeParallelism, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, count, parallel, body);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count >= 1)
        {
            ExceptionDispatchInfo.Capture(ex.InnerExceptions[0]).Throw();
        }
    }

    /// <summary>The image the manifest's check kept for a file row, if any (taken, or only looked at).</summary>
    private RgbImage? Kept(ImageRow row, bool take) =>
        _decoded is null || row.Image is not null ? null : take ? _decoded.Take(row.ImagePath) : _decoded.Peek(row.ImagePath);

    /// <summary>Row <paramref name="row"/>'s image at the batches' size.</summary>
    private RgbImage Load(int row)
    {
        ImageRow source = _rows[row];
        RgbImage image;
        try
        {
            image = Kept(source, take: true) ?? source.LoadImage();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Image '{source.ImagePath}' could not be read: {ex.Message}", ex);
        }

        if (_options.ImageSize is int size)
        {
            return image.ResizeFill(size, size);
        }

        if (image.Width != _width || image.Height != _height)
        {
            throw new InvalidDataException(
                $"Image '{source.ImagePath}' is {image.Width}x{image.Height} but the first image is {_width}x{_height}. Set ImageSize to resize every image to one size.");
        }

        return image;
    }
}
