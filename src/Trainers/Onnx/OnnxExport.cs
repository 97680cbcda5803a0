using Ffr.MLNet.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Onnx;

/// <summary>
/// Writes a trained network as an ONNX graph built in C#: input <c>Ffr.Pixels</c>, float
/// [batch, 3 x H x W] holding planar R, G, B values in 0..255 (what ImageAnalytics' ExtractPixels
/// yields), the input normalisation inside the graph, batch norm folded into the convolutions,
/// outputs <c>Score</c> (class probabilities, [batch, classes]) and <c>Ffr.PredictedIndex</c>
/// (arg max, int64 [batch]). The batch dimension is symbolic.
/// </summary>
internal static class OnnxExport
{
    public const string InputName = "Ffr.Pixels";
    public const string ScoreName = "Score";
    public const string IndexName = "Ffr.PredictedIndex";
    private const int Float = 1;
    private const int Int64 = 7;

    public static byte[] Export(ImageNetwork network, int height, int width, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        var g = new OnnxGraphBuilder();
        string input = g.Input(InputName, Float, "batch", 3L * height * width);
        string x = g.Node("Reshape", new[] { input, g.Constant(new long[] { -1, 3, height, width }, 4) });

        // (v / 255 - mean) / std = v * (1 / (255 std)) + (-mean / std), per channel.
        float[] scale = Enumerable.Range(0, 3).Select(c => 1f / (255f * std[c])).ToArray();
        float[] shift = Enumerable.Range(0, 3).Select(c => -mean[c] / std[c]).ToArray();
        x = g.Node("Mul", new[] { x, g.Constant(scale, 1, 3, 1, 1) });
        x = g.Node("Add", new[] { x, g.Constant(shift, 1, 3, 1, 1) });

        x = network.Module switch
        {
            SmallCnn small => SmallCnnFeatures(g, x, small),
            ResNet resnet => ResNetFeatures(g, x, resnet),
            ImageNetResNet18 pretrained => ImageNetResNet18Features(g, x, pretrained),
            _ => throw new NotSupportedException($"ONNX export does not know {network.Module.GetType().Name}."),
        };

        string logits = g.Linear(x, network.Head);
        g.Node("Softmax", new[] { logits }, ScoreName, OnnxGraphBuilder.Int("axis", 1));
        g.Node("ArgMax", new[] { logits }, IndexName, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
        g.Output(ScoreName, Float, "batch", network.Classes);
        g.Output(IndexName, Int64, "batch");
        return g.ToBytes("Ffr.MLNet");
    }

    /// <summary>
    /// A graph with the same inputs and outputs as an exported network (zero weights): what the
    /// trainer's GetOutputSchema composes before any training to learn the output shape.
    /// </summary>
    public static byte[] Placeholder(int classes, int height, int width)
    {
        var g = new OnnxGraphBuilder();
        string input = g.Input(InputName, Float, "batch", 3L * height * width);
        string logits = g.Node("Gemm", new[] { input, g.Constant(new float[classes * 3 * height * width], classes, 3L * height * width), g.Constant(new float[classes], classes) }, null, OnnxGraphBuilder.Int("transB", 1));
        g.Node("Softmax", new[] { logits }, ScoreName, OnnxGraphBuilder.Int("axis", 1));
        g.Node("ArgMax", new[] { logits }, IndexName, OnnxGraphBuilder.Int("axis", 1), OnnxGraphBuilder.Int("keepdims", 0));
        g.Output(ScoreName, Float, "batch", classes);
        g.Output(IndexName, Int64, "batch");
        return g.ToBytes("Ffr.MLNet");
    }

    private static string SmallCnnFeatures(OnnxGraphBuilder g, string x, SmallCnn small)
    {
        IReadOnlyList<(Conv2d Conv, BatchNorm2d BatchNorm)> blocks = small.Blocks;
        for (int i = 0; i < blocks.Count; i++)
        {
            x = g.Relu(g.ConvBatchNorm(x, blocks[i].Conv, blocks[i].BatchNorm));
            if (i < blocks.Count - 1)
            {
                x = g.Node("MaxPool", new[] { x }, null, OnnxGraphBuilder.Ints("kernel_shape", 2, 2), OnnxGraphBuilder.Ints("strides", 2, 2));
            }
        }

        return g.Node("Flatten", new[] { g.Node("GlobalAveragePool", new[] { x }) });
    }

    private static string ResNetFeatures(OnnxGraphBuilder g, string x, ResNet resnet)
    {
        var children = resnet.named_children().ToDictionary(c => c.name, c => c.module);
        x = g.Relu(g.ConvBatchNorm(x, (Conv2d)children["conv1"], (BatchNorm2d)children["bn1"]));
        var pool = (MaxPool2d)children["maxpool"];
        long k = pool.kernel_size[0], s = pool.stride?[0] ?? k, p = pool.padding?[0] ?? 0;
        x = g.Node("MaxPool", new[] { x }, null, OnnxGraphBuilder.Ints("kernel_shape", k, k), OnnxGraphBuilder.Ints("strides", s, s), OnnxGraphBuilder.Ints("pads", p, p, p, p));
        foreach (string layer in new[] { "layer1", "layer2", "layer3", "layer4" })
        {
            foreach ((string _, nn.Module block) in children[layer].named_children())
            {
                x = Block(g, x, block.named_children().ToDictionary(c => c.name, c => c.module));
            }
        }

        return g.Node("Flatten", new[] { g.Node("GlobalAveragePool", new[] { x }) });
    }

    /// <summary>
    /// The pretrained ResNet-18's preprocessing (RGB to BGR, minus its mean image) and backbone, with
    /// the same asymmetric pads as the graph it was imported from.
    /// </summary>
    private static string ImageNetResNet18Features(OnnxGraphBuilder g, string x, ImageNetResNet18 network)
    {
        using (no_grad())
        {
            Tensor mean = network.MeanImage.detach().cpu();
            x = g.Node("Gather", new[] { x, g.Constant(new long[] { 2, 1, 0 }, 3) }, null, OnnxGraphBuilder.Int("axis", 1));
            x = g.Node("Sub", new[] { x, g.Constant(mean.data<float>().ToArray(), mean.shape) });
        }

        var convolutions = network.ConvolutionsInGraphOrder().ToDictionary(c => c.Name);
        string Conv(string input, string name) => g.ConvBatchNorm(input, convolutions[name].Conv, convolutions[name].BatchNorm, PretrainedResNet18File.OnnxPads(name, convolutions[name].Conv));
        x = g.Relu(Conv(x, "conv1"));
        x = g.Node("MaxPool", new[] { x }, null, OnnxGraphBuilder.Ints("kernel_shape", 3, 3), OnnxGraphBuilder.Ints("strides", 2, 2), OnnxGraphBuilder.Ints("pads", 1, 1, 0, 0));
        for (int s = 0; s < ImageNetResNet18.BlocksPerStage.Length; s++)
        {
            for (int b = 0; b < ImageNetResNet18.BlocksPerStage[s]; b++)
            {
                string prefix = FormattableString.Invariant($"layer{s + 1}.{b}.");
                string identity = convolutions.ContainsKey(prefix + "downsample.0") ? Conv(x, prefix + "downsample.0") : x;
                string y = Conv(g.Relu(Conv(x, prefix + "conv1")), prefix + "conv2");
                x = g.Relu(g.Node("Add", new[] { y, identity }));
            }
        }

        return g.Node("Flatten", new[] { g.Node("GlobalAveragePool", new[] { x }) });
    }

    /// <summary>A BasicBlock (conv1, conv2) or Bottleneck (conv1, conv2, conv3), with optional downsample.</summary>
    private static string Block(OnnxGraphBuilder g, string input, Dictionary<string, nn.Module> parts)
    {
        string x = g.Relu(g.ConvBatchNorm(input, (Conv2d)parts["conv1"], (BatchNorm2d)parts["bn1"]));
        bool bottleneck = parts.ContainsKey("conv3");
        x = g.ConvBatchNorm(x, (Conv2d)parts["conv2"], (BatchNorm2d)parts["bn2"]);
        if (bottleneck)
        {
            x = g.ConvBatchNorm(g.Relu(x), (Conv2d)parts["conv3"], (BatchNorm2d)parts["bn3"]);
        }

        string identity = input;
        if (parts.TryGetValue("downsample", out nn.Module? downsample))
        {
            var steps = downsample.named_children().Select(c => c.module).ToArray();
            identity = g.ConvBatchNorm(input, (Conv2d)steps[0], (BatchNorm2d)steps[1]);
        }

        return g.Relu(g.Node("Add", new[] { x, identity }));
    }
}
