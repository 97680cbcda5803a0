using System.Collections.Concurrent;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Training;

/// <summary>
/// The penultimate features that a frozen backbone (<see cref="FfrTrainerOptions.Freeze"/> = Backbone)
/// computed for image files, kept for the next fit on the same images: a grid of strategies and
/// methods on one dataset then computes each image's features once instead of once per fit. Keyed by
/// the network before training (architecture, image size, normalisation, initial weights file and its
/// time stamp) and the image's full path; images held in memory are not cached. Thread-safe.
/// </summary>
/// <remarks>
/// A feature vector takes 4 bytes per feature (2 KB for ResNet-18's 512). Features computed in another
/// batch can differ from a fresh computation in the last bits of a float (libtorch's kernels depend on
/// the batch shape); results agree within that.
/// </remarks>
public sealed class FeatureCache
{
    private readonly ConcurrentDictionary<(string Network, string Image), float[]> _features = new();

    /// <summary>Feature vectors held.</summary>
    public int Count => _features.Count;

    /// <summary>Forgets every feature vector.</summary>
    public void Clear() => _features.Clear();

    internal bool TryGet(string network, ImageRow row, out float[] features)
    {
        features = Array.Empty<float>();
        return row.Image is null && _features.TryGetValue((network, row.ImagePath), out features!);
    }

    internal void Add(string network, ImageRow row, float[] features)
    {
        if (row.Image is null)
        {
            _features[(network, row.ImagePath)] = features;
        }
    }
}
