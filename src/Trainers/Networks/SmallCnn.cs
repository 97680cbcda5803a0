using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Networks;

/// <summary>
/// A small convolutional network for small images (28x28 to 64x64): three Conv-BatchNorm-ReLU
/// blocks with 2x2 max pooling, global average pooling, and a linear classifier. About 95,000
/// parameters; trains in seconds per epoch on a 2-core CPU. The default architecture.
/// </summary>
/// <remarks>
/// Field names are the checkpoint keys (<c>conv1.weight</c>, <c>bn1.running_mean</c>, <c>fc.bias</c>...).
/// <see cref="Features"/> returns the penultimate (pooled) features that DFR and the gap metrics use.
/// </remarks>
public sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Conv2d conv2;
    private readonly BatchNorm2d bn2;
    private readonly Conv2d conv3;
    private readonly BatchNorm2d bn3;
    private readonly Linear fc;

    /// <summary>Creates the network.</summary>
    /// <param name="numClasses">Number of output classes; at least 2.</param>
    /// <param name="inputChannels">Image channels; 3 for RGB.</param>
    /// <param name="width">Channels of the first block; the next two use 2x and 4x.</param>
    public SmallCnn(int numClasses, int inputChannels = 3, int width = 16)
        : base(nameof(SmallCnn))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);

        conv1 = nn.Conv2d(inputChannels, width, 3, padding: 1, bias: false);
        bn1 = nn.BatchNorm2d(width);
        conv2 = nn.Conv2d(width, 2 * width, 3, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(2 * width);
        conv3 = nn.Conv2d(2 * width, 4 * width, 3, padding: 1, bias: false);
        bn3 = nn.BatchNorm2d(4 * width);
        fc = nn.Linear(4 * width, numClasses);
        FeatureSize = 4 * width;
        RegisterComponents();
    }

    /// <summary>The last linear layer.</summary>
    internal Linear Head => fc;

    /// <summary>The convolution-batch-norm pairs, in order (for ONNX export).</summary>
    internal IReadOnlyList<(Conv2d Conv, BatchNorm2d BatchNorm)> Blocks => new[] { (conv1, bn1), (conv2, bn2), (conv3, bn3) };

    /// <summary>Length of the penultimate feature vector.</summary>
    public int FeatureSize { get; }

    /// <summary>Penultimate features: the pooled output of the last block, shape [N, FeatureSize].</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = nn.functional.max_pool2d(nn.functional.relu(bn1.call(conv1.call(input))), 2);
        x = nn.functional.max_pool2d(nn.functional.relu(bn2.call(conv2.call(x))), 2);
        x = nn.functional.relu(bn3.call(conv3.call(x)));
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1);
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc.call(Features(input)).MoveToOuterDisposeScope();
    }
}
