using Ffr.MLNet.Networks;
using Ffr.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using TorchSharp;
using TorchSharp.Modules;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Onnx;

[Collection(TorchCollection.Name)]
public sealed class OnnxExportTests
{
    private static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    private static readonly float[] Std = { 0.229f, 0.224f, 0.225f };

    /// <summary>Gives every batch norm non-trivial statistics and affine weights, so folding is exercised.</summary>
    private static void RandomiseBatchNorms(ImageNetwork network)
    {
        using var noGrad = no_grad();
        foreach (nn.Module module in network.Module.modules())
        {
            if (module is BatchNorm2d bn)
            {
                bn.running_mean!.copy_(randn(bn.running_mean.shape) * 0.1);
                bn.running_var!.copy_(rand(bn.running_var.shape) + 0.5);
                bn.weight!.copy_(rand(bn.weight.shape) + 0.5);
                bn.bias!.copy_(randn(bn.bias.shape) * 0.1);
            }
        }
    }

    [Theory]
    [InlineData(NetworkArchitecture.SmallCnn, 32)]
    [InlineData(NetworkArchitecture.ResNet18, 32)]
    [InlineData(NetworkArchitecture.ResNet34, 32)]
    [InlineData(NetworkArchitecture.ResNet50, 32)]
    [InlineData(NetworkArchitecture.ResNet18ImageNet, 224)]
    [InlineData(NetworkArchitecture.ResNet18ImageNet, 64)]
    public void Export_OnnxRuntimeMatchesTorchSharpEvaluation(NetworkArchitecture architecture, int size)
    {
        torch.manual_seed(3);
        using ImageNetwork network = ImageNetwork.Create(architecture, classes: 4, imageSize: size);
        RandomiseBatchNorms(network);
        network.Eval();
        (float[] mean, float[] std) = architecture.InputNormalization(Mean, Std);
        byte[] onnx = OnnxExport.Export(network, size, size, mean, std);

        const int batch = 3;
        var random = new Random(5);
        float[] raw = Enumerable.Range(0, batch * 3 * size * size).Select(_ => (float)random.Next(256)).ToArray();

        float[] expected;
        long[] expectedIndex;
        using (no_grad())
        using (NewDisposeScope())
        {
            Tensor x = tensor(raw).reshape(batch, 3, size, size) / 255f;
            x = (x - tensor(mean).reshape(1, 3, 1, 1)) / tensor(std).reshape(1, 3, 1, 1);
            Tensor logits = network.Forward(x);
            expected = nn.functional.softmax(logits, 1).data<float>().ToArray();
            expectedIndex = logits.argmax(1).data<long>().ToArray();
        }

        using var session = new InferenceSession(onnx);
        var input = new DenseTensor(raw, new[] { batch, 3 * size * size });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input) });
        float[] score = results.First(r => r.Name == OnnxExport.ScoreName).AsEnumerable<float>().ToArray();
        long[] index = results.First(r => r.Name == OnnxExport.IndexName).AsEnumerable<long>().ToArray();

        Assert.Equal(expected.Length, score.Length);
        double maxDiff = expected.Zip(score).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(maxDiff < 1e-4, $"{architecture}: max |ONNX - TorchSharp| = {maxDiff:E2}");
        Assert.Equal(expectedIndex, index);
    }
}
