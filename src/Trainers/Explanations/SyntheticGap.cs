using Ffr.MLNet.Batching;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using static TorchSharp.torch;

namespace Ffr.MLNet.Explanations;

/// <summary>The synthetic-real gap (<see cref="SyntheticRealGap"/>) measured in a trained network's penultimate features.</summary>
public static class SyntheticGap
{
    /// <summary>Features of <paramref name="real"/> and <paramref name="synthetic"/> images through <paramref name="model"/>'s network, compared.</summary>
    public static SyntheticRealGap Measure(FfrImageClassificationTransformer model, IReadOnlyList<ImageRow> real, IReadOnlyList<ImageRow> synthetic, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return SyntheticRealGap.Measure(Features(model, real), Features(model, synthetic), seed);
    }

    /// <summary>Penultimate features of each image, with its subgroup.</summary>
    public static IReadOnlyList<(string Label, string Attribute, double[] Features)> Features(FfrImageClassificationTransformer model, IReadOnlyList<ImageRow> rows)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(rows);
        var batcher = new ImageBatcher(rows, new ImageBatcherOptions
        {
            BatchSize = 256, ImageSize = model.ImageSize, Mean = model.Mean.ToArray(), Std = model.Std.ToArray(), Shuffle = false, PrefetchBatches = 0,
        });
        var result = new List<(string, string, double[])>(rows.Count);
        model.Network.Eval();
        Device device = model.Network.Head.weight!.device;
        using (no_grad())
        {
            foreach (ImageBatch batch in batcher.ReadEpoch(0))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    float[] features = model.Network.Features(BatchTensor.From(batch).to(device)).cpu().data<float>().ToArray();
                    int size = features.Length / batch.Count;
                    for (int i = 0; i < batch.Count; i++)
                    {
                        ImageRow row = rows[batch.RowIndices[i]];
                        result.Add((row.Label, row.Attribute, features.AsSpan(i * size, size).ToArray().Select(f => (double)f).ToArray()));
                    }
                }
            }
        }

        return result;
    }
}
