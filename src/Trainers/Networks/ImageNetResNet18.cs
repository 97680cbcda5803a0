using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Networks;

/// <summary>
/// The ImageNet-pretrained ResNet-18 that ML.NET ships in <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>,
/// rebuilt as a trainable TorchSharp module with the same arithmetic as that ONNX graph (exported
/// by CNTK): its own preprocessing (RGB to BGR, minus a per-pixel mean image), a 7x7 stride-2 stem
/// padded 3 before and 2 after, a 3x3 stride-2 max pool padded 1 before and 0 after, stages of 2, 2,
/// 2 and 3 basic blocks (64, 128, 256, 512 channels) whose stride-2 convolutions are padded 1 before
/// and 0 after, 1x1 stride-2 projection shortcuts, and global average pooling; then a new linear head.
/// </summary>
/// <remarks>
/// Input: [N, 3, S, S] planar R, G, B values in 0..255 (no normalisation: the network subtracts its
/// own mean image, resized bilinearly when S is not 224). At S = 224 the global average pool equals
/// the graph's 7x7 average pool. Parameter names follow TorchVision's ResNet (<c>conv1</c>, <c>bn1</c>,
/// <c>layer1.0.conv1</c>, <c>layer2.0.downsample.0</c>, <c>fc</c>), plus the buffer <c>mean_image</c>.
/// </remarks>
public sealed class ImageNetResNet18 : nn.Module<Tensor, Tensor>
{
    /// <summary>The side the mean image and the pretrained weights were made for.</summary>
    public const int NativeSize = 224;

    /// <summary>Blocks per stage; note the third block of the last stage.</summary>
    internal static readonly int[] BlocksPerStage = { 2, 2, 2, 3 };

    private static readonly int[] StageChannels = { 64, 128, 256, 512 };

    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Sequential layer1;
    private readonly Sequential layer2;
    private readonly Sequential layer3;
    private readonly Sequential layer4;
    private readonly Linear fc;

    /// <summary>Creates the network with zero weights and the given mean image (load the pretrained values with <see cref="PretrainedResNet18File"/>).</summary>
    /// <param name="numClasses">Number of output classes; at least 2.</param>
    /// <param name="imageSize">Side of the square input.</param>
    public ImageNetResNet18(int numClasses, int imageSize)
        : base(nameof(ImageNetResNet18))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(imageSize, 32);
        ImageSize = imageSize;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: 0L, bias: false);
        bn1 = nn.BatchNorm2d(64);
        var stages = new Sequential[4];
        int inChannels = 64;
        for (int s = 0; s < 4; s++)
        {
            var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
            for (int b = 0; b < BlocksPerStage[s]; b++)
            {
                bool down = s > 0 && b == 0;
                blocks.Add((b.ToString(System.Globalization.CultureInfo.InvariantCulture), new Block(inChannels, StageChannels[s], down)));
                inChannels = StageChannels[s];
            }

            stages[s] = nn.Sequential(blocks);
        }

        (layer1, layer2, layer3, layer4) = (stages[0], stages[1], stages[2], stages[3]);
        fc = nn.Linear(512, numClasses);
        register_buffer("mean_image", zeros(1, 3, imageSize, imageSize));
        RegisterComponents();
    }

    /// <summary>Side of the square input.</summary>
    public int ImageSize { get; }

    /// <summary>Length of the penultimate feature vector: 512.</summary>
    public int FeatureSize => 512;

    /// <summary>The last linear layer.</summary>
    internal Linear Head => fc;

    /// <summary>The mean image subtracted from the BGR input, [1, 3, S, S], B, G, R planes.</summary>
    internal Tensor MeanImage => get_buffer("mean_image")!;

    /// <summary>The four stages, in order.</summary>
    internal IReadOnlyList<Sequential> Stages => new[] { layer1, layer2, layer3, layer4 };

    /// <summary>The stem: convolution and batch norm, padded 3 before and 2 after.</summary>
    internal (Conv2d Conv, BatchNorm2d BatchNorm) Stem => (conv1, bn1);

    /// <summary>Every convolution with its batch norm, in the order of the ONNX graph (a block's shortcut before its own convolutions).</summary>
    internal IEnumerable<(string Name, Conv2d Conv, BatchNorm2d BatchNorm)> ConvolutionsInGraphOrder()
    {
        yield return ("conv1", conv1, bn1);
        foreach ((Sequential stage, int s) in Stages.Select((st, i) => (st, i)))
        {
            foreach ((string index, nn.Module block) in stage.named_children())
            {
                foreach ((string name, Conv2d conv, BatchNorm2d bn) in ((Block)block).ConvolutionsInGraphOrder())
                {
                    yield return ($"layer{s + 1}.{index}.{name}", conv, bn);
                }
            }
        }
    }

    /// <summary>Penultimate features, [N, 512].</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = Stage0(input);
        foreach (Sequential stage in Stages)
        {
            x = stage.call(x);
        }

        return nn.functional.adaptive_avg_pool2d(x, 1).flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>Preprocessing, stem and max pool: what comes before the first stage.</summary>
    internal Tensor Stage0(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = input.flip(1) - MeanImage;
        x = nn.functional.relu(bn1.call(conv1.call(nn.functional.pad(x, new long[] { 3, 2, 3, 2 }))));

        // After the ReLU every value is >= 0, so padding with 0 leaves the maximum of every window unchanged.
        x = nn.functional.max_pool2d(nn.functional.pad(x, new long[] { 1, 0, 1, 0 }), 3, 2);
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return fc.call(Features(input)).MoveToOuterDisposeScope();
    }

    /// <summary>A basic block: 3x3 conv (stride 2 with pads 1 before and 0 after when downsampling), BN, ReLU, 3x3 conv, BN, plus the shortcut, ReLU.</summary>
    internal sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly Conv2d conv1;
        private readonly BatchNorm2d bn1;
        private readonly Conv2d conv2;
        private readonly BatchNorm2d bn2;
        private readonly Sequential? downsample;

        public Block(int inChannels, int channels, bool downsampling)
            : base("BasicBlock")
        {
            Downsampling = downsampling;
            conv1 = nn.Conv2d(inChannels, channels, 3, stride: downsampling ? 2 : 1, padding: downsampling ? 0L : 1L, bias: false);
            bn1 = nn.BatchNorm2d(channels);
            conv2 = nn.Conv2d(channels, channels, 3, padding: 1, bias: false);
            bn2 = nn.BatchNorm2d(channels);
            if (downsampling)
            {
                downsample = nn.Sequential(("0", nn.Conv2d(inChannels, channels, 1, stride: 2, bias: false)), ("1", nn.BatchNorm2d(channels)));
            }

            RegisterComponents();
        }

        /// <summary>Whether the block halves the resolution (its first convolution is then padded 1 before and 0 after).</summary>
        public bool Downsampling { get; }

        public IEnumerable<(string Name, Conv2d Conv, BatchNorm2d BatchNorm)> ConvolutionsInGraphOrder()
        {
            if (downsample is not null)
            {
                var steps = downsample.children().ToArray();
                yield return ("downsample.0", (Conv2d)steps[0], (BatchNorm2d)steps[1]);
            }

            yield return ("conv1", conv1, bn1);
            yield return ("conv2", conv2, bn2);
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x = Downsampling ? nn.functional.pad(input, new long[] { 1, 0, 1, 0 }) : input;
            x = nn.functional.relu(bn1.call(conv1.call(x)));
            x = bn2.call(conv2.call(x));
            Tensor identity = downsample is null ? input : downsample.call(input);
            return nn.functional.relu(x + identity).MoveToOuterDisposeScope();
        }
    }
}
