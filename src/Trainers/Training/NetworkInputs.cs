// Over 250 lines: the three kinds of network input (decoded, held, cached features) behind one abstract type, each a short nested class.
using System.Buffers;
using Ffr.MLNet.Batching;
using Ffr.MLNet.Images;
using Ffr.MLNet.Networks;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// The rows of a phase or of the validation set as network inputs, read in batches in a given order:
/// images decoded as they are read, images decoded once and held as bytes (within an
/// <see cref="ImageMemory"/> budget), or the penultimate features of a frozen backbone, computed once.
/// Each batch's tensor belongs to the caller (dispose it). Held and decoded images give the same batches, bit for bit.
/// </summary>
internal abstract class NetworkInputs : IDisposable
{
    /// <summary>Rows read in one batch when scoring (validation, features).</summary>
    public const int ScoringBatchSize = 64;

    public abstract int Count { get; }

    /// <summary>Whether a row is a penultimate feature vector (only the head runs on it) rather than an image.</summary>
    public abstract bool AreFeatures { get; }

    public abstract int BatchesPerEpoch { get; }

    /// <summary>The epoch's row order: shuffled for training, 0..n-1 for scoring.</summary>
    public abstract int[] Order(int epoch);

    /// <summary>Batches of the rows in <paramref name="order"/>: the network input (CPU) and the row indices.</summary>
    public abstract IEnumerable<(Tensor X, int[] Rows)> Read(int epoch, int[] order, CancellationToken cancellationToken);

    /// <summary>Batches of every row in order (scoring).</summary>
    public IEnumerable<(Tensor X, int[] Rows)> ReadAll(CancellationToken cancellationToken) => Read(0, Enumerable.Range(0, Count).ToArray(), cancellationToken);

    /// <summary>Logits of a batch: the whole network on images, the head on features.</summary>
    public Tensor Logits(ImageNetwork network, Tensor x) => AreFeatures ? network.Head.call(x) : network.Forward(x);

    public virtual void Dispose()
    {
    }

    /// <summary>Images decoded (and resized, normalised, flipped) as they are read.</summary>
    public static NetworkInputs Decoded(ImageBatcher batcher) => new DecodedImages(batcher);

    /// <summary>
    /// The batcher's images: decoded once and held as bytes (3 a pixel) when <paramref name="memory"/> has room for all of
    /// them, otherwise decoded from their files on every pass.
    /// </summary>
    public static NetworkInputs Images(ImageBatcher batcher, ImageMemory memory, CancellationToken cancellationToken)
    {
        (int height, int width) = batcher.ImageShape;
        long bytes = 3L * height * width * batcher.Rows.Count;
        return memory.TryTake(bytes) ? HeldImages.Decode(batcher, memory, bytes, cancellationToken) : new DecodedImages(batcher);
    }

    /// <summary>
    /// Rows given by their penultimate features [N, F] (taking ownership of the tensor), read in batches of
    /// <paramref name="batchSize"/> in the order <paramref name="order"/> gives per epoch (the training
    /// batcher's, for training; 0..n-1 when null).
    /// </summary>
    public static NetworkInputs FromFeatures(Tensor features, int batchSize, Func<int, int[]>? order) => new CachedFeatures(features, batchSize, order);

    /// <summary>
    /// The penultimate features [N, F] of every row (on <paramref name="device"/>), batch by batch in
    /// evaluation mode; <c>onBatch</c> is called after each batch with the batches done and the total.
    /// </summary>
    public static Tensor ComputeFeatures(ImageNetwork network, NetworkInputs inputs, Device device, CancellationToken cancellationToken, Action<int, int>? onBatch = null)
    {
        if (inputs is CachedFeatures cached)
        {
            return cached.Values.alias();
        }

        network.Eval();
        var parts = new List<Tensor>();
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            foreach ((Tensor x, int[] _) in inputs.ReadAll(cancellationToken))
            {
                // A scope per batch: the device copy of x (a new handle on the same storage when the device
                // is the CPU) would otherwise keep every batch's images alive until the end.
                using (x)
                using (NewDisposeScope())
                {
                    parts.Add(network.Features(x.to(device)).MoveToOuterDisposeScope());
                }

                // The batch's activations and decoders are freed now: give glibc's free memory back, or it
                // stays resident and grows with the images read (NativeHeap).
                NativeHeap.Trim();

                onBatch?.Invoke(parts.Count, inputs.BatchesPerEpoch);
            }
        }

        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    private sealed class DecodedImages : NetworkInputs
    {
        private readonly ImageBatcher _batcher;

        public DecodedImages(ImageBatcher batcher) => _batcher = batcher;

        public override int Count => _batcher.Rows.Count;

        public override bool AreFeatures => false;

        public override int BatchesPerEpoch => _batcher.BatchesPerEpoch;

        public override int[] Order(int epoch) => _batcher.Order(epoch);

        public override IEnumerable<(Tensor X, int[] Rows)> Read(int epoch, int[] order, CancellationToken cancellationToken)
        {
            foreach (ImageBatch batch in _batcher.ReadEpoch(epoch, order, cancellationToken))
            {
                Tensor x;
                using (batch)
                {
                    x = BatchTensor.From(batch);
                }

                yield return (x, batch.RowIndices);
            }
        }
    }

    /// <summary>Penultimate features held in one tensor [N, F]; batches are taken by index.</summary>
    private sealed class CachedFeatures : NetworkInputs
    {
        private readonly int _batchSize;
        private readonly Func<int, int[]>? _order;

        public CachedFeatures(Tensor values, int batchSize, Func<int, int[]>? order)
        {
            Values = values;
            _batchSize = batchSize;
            _order = order;
        }

        public Tensor Values { get; }

        public override int Count => (int)Values.shape[0];

        public override bool AreFeatures => true;

        public override int BatchesPerEpoch => (Count + _batchSize - 1) / _batchSize;

        public override int[] Order(int epoch) => _order?.Invoke(epoch) ?? Enumerable.Range(0, Count).ToArray();

        public override IEnumerable<(Tensor X, int[] Rows)> Read(int epoch, int[] order, CancellationToken cancellationToken)
        {
            for (int start = 0; start < order.Length; start += _batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int[] rows = order[start..Math.Min(order.Length, start + _batchSize)];
                Tensor batch;
                using (NewDisposeScope())
                {
                    batch = Values.index_select(0, tensor(rows.Select(r => (long)r).ToArray()).to(Values.device)).MoveToOuterDisposeScope();
                }

                yield return (batch, rows);
            }
        }

        public override void Dispose() => Values.Dispose();
    }

    /// <summary>
    /// Images decoded once into one byte tensor [N, H, W, 3] (pixels as decoded); each batch is taken by index, converted to
    /// float, seen as [B, 3, H, W] in channels-last order (the order <see cref="ImageNetwork.Forward"/> runs in), mirrored where
    /// the batcher says and normalised the batcher's way, so its values equal the batcher's own batch.
    /// </summary>
    private sealed class HeldImages : NetworkInputs
    {
        /// <summary>Images decoded at once while filling (a reused buffer of this many images).</summary>
        private const int DecodeChunk = 256;

        private readonly ImageBatcher _batcher;
        private readonly Tensor _bytes;
        private readonly float[] _values;
        private readonly ImageMemory _memory;
        private readonly long _size;

        private HeldImages(ImageBatcher batcher, Tensor bytes, ImageMemory memory, long size)
        {
            _batcher = batcher;
            _bytes = bytes;
            _memory = memory;
            _size = size;
            (IReadOnlyList<float> mean, IReadOnlyList<float> std) = batcher.Normalization;
            _values = RgbImage.NormalizationTable(mean.ToArray(), std.ToArray()); // the batcher's floats, looked up per pixel
        }

        public override int Count => _batcher.Rows.Count;

        public override bool AreFeatures => false;

        public override int BatchesPerEpoch => _batcher.BatchesPerEpoch;

        public override int[] Order(int epoch) => _batcher.Order(epoch);

        public static HeldImages Decode(ImageBatcher batcher, ImageMemory memory, long size, CancellationToken cancellationToken)
        {
            (int height, int width) = batcher.ImageShape;
            int imageBytes = 3 * height * width;
            int count = batcher.Rows.Count;
            Tensor bytes = empty(new long[] { count, height, width, 3 }, ScalarType.Byte).DetachFromDisposeScope();
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(count, DecodeChunk) * imageBytes);
            try
            {
                for (int start = 0; start < count; start += DecodeChunk)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int n = Math.Min(DecodeChunk, count - start);
                    batcher.DecodeBytes(start, n, buffer, cancellationToken);
                    using Tensor slice = bytes.narrow(0, start, n);
                    slice.bytes = buffer.AsSpan(0, n * imageBytes);
                }

                return new HeldImages(batcher, bytes, memory, size);
            }
            catch
            {
                bytes.Dispose();
                memory.Give(size);
                throw;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        public override IEnumerable<(Tensor X, int[] Rows)> Read(int epoch, int[] order, CancellationToken cancellationToken)
        {
            int batchSize = _batcher.BatchSize;
            int batches = _batcher.BatchesFor(order.Length);
            (int height, int width) = _batcher.ImageShape;
            for (int b = 0; b < batches; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int start = b * batchSize;
                int[] rows = order[start..Math.Min(order.Length, start + batchSize)];
                Tensor x = empty(new long[] { rows.Length, height, width, 3 }, ScalarType.Float32); // NHWC: channels-last once permuted
                try
                {
                    Fill(x, rows, epoch, start, height, width);
                    Tensor nchw = x.permute(0, 3, 1, 2);
                    x.Dispose();
                    x = nchw;
                }
                catch
                {
                    x.Dispose();
                    throw;
                }

                yield return (x, rows);
            }
        }

        /// <summary>Writes the rows' normalised pixels into <paramref name="x"/> [n, height, width, 3], mirrored where the batcher flips.</summary>
        private unsafe void Fill(Tensor x, int[] rows, int epoch, int start, int height, int width)
        {
            long imageBytes = 3L * height * width;
            int count = Count;
            int outside = Array.FindIndex(rows, r => (uint)r >= (uint)count);
            if (outside >= 0)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), $"Row {rows[outside]} is outside the {count} held images.");
            }

            byte* held = TensorMemory.Start(_bytes, count * imageBytes);
            byte* output = TensorMemory.Start(x, rows.Length * imageBytes * sizeof(float));
            fixed (float* values = _values)
            {
                for (int i = 0; i < rows.Length; i++)
                {
                    byte* image = held + (rows[i] * imageBytes);
                    float* o = (float*)output + (i * imageBytes);
                    bool flip = _batcher.Flipped(epoch, start + i);
                    for (int yy = 0; yy < height; yy++)
                    {
                        byte* line = image + (yy * width * 3);
                        float* to = o + (yy * width * 3);
                        for (int xx = 0; xx < width; xx++)
                        {
                            byte* pixel = line + ((flip ? width - 1 - xx : xx) * 3);
                            to[0] = values[pixel[0]];
                            to[1] = values[256 + pixel[1]];
                            to[2] = values[512 + pixel[2]];
                            to += 3;
                        }
                    }
                }
            }
        }

        public override void Dispose()
        {
            _bytes.Dispose();
            _memory.Give(_size);
        }
    }
}
