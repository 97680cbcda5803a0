using Ffr.MLNet.Batching;
using Ffr.MLNet.Networks;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// The rows of a phase or of the validation set as network inputs, read in batches in a given order:
/// images decoded as they are read, images decoded once and held (small sets), or the penultimate
/// features of a frozen backbone, computed once. Each batch's tensor belongs to the caller (dispose it).
/// </summary>
internal abstract class NetworkInputs : IDisposable
{
    /// <summary>The most bytes of decoded validation images held in memory (64 MiB: about 5,400 images of 32 x 32, 110 of 224 x 224); larger sets are decoded batch by batch on every pass.</summary>
    public const long HeldBytesLimit = 64L << 20;

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

    /// <summary>Validation images: held decoded in one tensor when they take at most <see cref="HeldBytesLimit"/>, otherwise decoded on every pass.</summary>
    public static NetworkInputs ForScoring(ImageBatcher batcher, CancellationToken cancellationToken)
    {
        (int height, int width) = batcher.ImageShape;
        long bytes = 4L * 3 * height * width * batcher.Rows.Count;
        return bytes <= HeldBytesLimit ? HeldImages.Decode(batcher, cancellationToken) : new DecodedImages(batcher);
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

    /// <summary>Rows held in one tensor [N, ...] (decoded images or features); batches are taken by index.</summary>
    private abstract class HeldRows : NetworkInputs
    {
        private readonly int _batchSize;
        private readonly Func<int, int[]>? _order;

        protected HeldRows(Tensor values, int batchSize, Func<int, int[]>? order)
        {
            Values = values;
            _batchSize = batchSize;
            _order = order;
        }

        public Tensor Values { get; }

        public override int Count => (int)Values.shape[0];

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

    private sealed class HeldImages : HeldRows
    {
        private HeldImages(Tensor images)
            : base(images, ScoringBatchSize, null)
        {
        }

        public override bool AreFeatures => false;

        public static HeldImages Decode(ImageBatcher batcher, CancellationToken cancellationToken)
        {
            var parts = new List<Tensor>();
            using var scope = NewDisposeScope();
            foreach (ImageBatch batch in batcher.ReadEpoch(0, cancellationToken))
            {
                using (batch)
                {
                    parts.Add(BatchTensor.From(batch));
                }
            }

            return new HeldImages(cat(parts, 0).DetachFromDisposeScope());
        }
    }

    private sealed class CachedFeatures : HeldRows
    {
        public CachedFeatures(Tensor features, int batchSize, Func<int, int[]>? order)
            : base(features, batchSize, order)
        {
        }

        public override bool AreFeatures => true;
    }
}
