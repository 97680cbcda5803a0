using Ffr.MLNet.Manifests;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>A phase's training rows with their class and group indices.</summary>
internal sealed record TrainingData(IReadOnlyList<ImageRow> Rows, int[] Labels, int[] Groups, int GroupCount);

/// <summary>The validation set, decoded once into one CPU tensor [N, 3, H, W], with class and (label x attribute) group indices.</summary>
internal sealed class ValidationData : IDisposable
{
    public ValidationData(Tensor images, int[] labels, int[] groups, int groupCount)
    {
        Images = images;
        Labels = labels;
        Groups = groups;
        GroupCount = groupCount;
    }

    public Tensor Images { get; }

    public int[] Labels { get; }

    public int[] Groups { get; }

    public int GroupCount { get; }

    public void Dispose() => Images.Dispose();
}
