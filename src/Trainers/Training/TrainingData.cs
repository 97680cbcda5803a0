using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>A phase's training rows with their class and group indices.</summary>
internal sealed record TrainingData(IReadOnlyList<ImageRow> Rows, int[] Labels, int[] Groups, int GroupCount);

/// <summary>The validation set as network inputs (held decoded when small, else decoded batch by batch; or cached features), with class and (label x attribute) group indices.</summary>
internal sealed class ValidationData : IDisposable
{
    public ValidationData(NetworkInputs inputs, int[] labels, int[] groups, int groupCount)
    {
        Inputs = inputs;
        Labels = labels;
        Groups = groups;
        GroupCount = groupCount;
    }

    /// <summary>
    /// The validation set's inputs: held when the image memory has room, decoded batch by batch otherwise
    /// (<see cref="NetworkInputs.Images"/>); with a frozen backbone decoded once, as its features replace them at once.
    /// </summary>
    public static ValidationData Create(IReadOnlyList<LabelledImage> validation, GroupIndex groups, Batching.ImageBatcher batcher, int imageSize, ImageMemory memory, FfrTrainerOptions options)
    {
        (int height, int width) = batcher.ImageShape;
        if (height != imageSize || width != imageSize)
        {
            throw new InvalidDataException(
                $"Validation image '{validation[0].Row.ImagePath}' is {width}x{height} but the training images are {imageSize}x{imageSize}. Set ImageSize to resize every image to one size.");
        }

        int[] y = validation.Select(v => v.Label).ToArray();
        int[] g = groups.Groups(validation);
        // With a frozen backbone the images are replaced by their features at once: decoding them here too would be work done twice.
        NetworkInputs inputs = options.Freeze == FrozenLayers.Backbone ? NetworkInputs.Decoded(batcher) : NetworkInputs.Images(batcher, memory, options.CancellationToken);
        return new ValidationData(inputs, y, g, groups.GroupCount);
    }

    public NetworkInputs Inputs { get; private set; }

    public int[] Labels { get; }

    public int[] Groups { get; }

    public int GroupCount { get; }

    /// <summary>Arg-max classes of every row, batch by batch, under no_grad in evaluation mode.</summary>
    public long[] Predict(ImageNetwork network, Device device, CancellationToken cancellationToken)
    {
        network.Eval();
        var result = new long[Inputs.Count];
        using (no_grad())
        {
            foreach ((Tensor x, int[] rows) in Inputs.ReadAll(cancellationToken))
            {
                using (x)
                using (NewDisposeScope())
                {
                    long[] classes = Inputs.Logits(network, x.to(device)).argmax(1).cpu().data<long>().ToArray();
                    for (int i = 0; i < rows.Length; i++)
                    {
                        result[rows[i]] = classes[i];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>Accuracies per (label x attribute) group.</summary>
    public GroupAccuracies Accuracies(ImageNetwork network, Device device, CancellationToken cancellationToken)
    {
        long[] predictions = Predict(network, device, cancellationToken);
        bool[] correct = predictions.Select((p, i) => p == Labels[i]).ToArray();
        return GroupAccuracies.Compute(Groups, correct, GroupCount);
    }

    /// <summary>Replaces the inputs (the images by their features, say), disposing the old ones.</summary>
    public void Replace(NetworkInputs inputs)
    {
        NetworkInputs old = Inputs;
        Inputs = inputs;
        old.Dispose();
    }

    public void Dispose() => Inputs.Dispose();
}
