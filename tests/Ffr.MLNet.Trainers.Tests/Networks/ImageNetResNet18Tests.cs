using Ffr.MLNet.Networks;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;
using DenseTensor = Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>;
using Tensor = TorchSharp.torch.Tensor;

namespace Ffr.MLNet.Trainers.Tests.Networks;

/// <summary>The pretrained ResNet-18 imported from ML.NET's DnnImageFeaturizer package against ONNX Runtime's run of the original files.</summary>
[Collection(TorchCollection.Name)]
public sealed class ImageNetResNet18Tests
{
    private const int Size = ImageNetResNet18.NativeSize;
    private readonly ITestOutputHelper _output;

    public ImageNetResNet18Tests(ITestOutputHelper output) => _output = output;

    /// <summary>Photo-like RGB images in 0..255: smooth colour gradients, a bright disc, and noise.</summary>
    private static float[] PhotoLike(int count, int seed)
    {
        var random = new Random(seed);
        var pixels = new float[count * 3 * Size * Size];
        for (int n = 0; n < count; n++)
        {
            double cx = random.Next(40, 184), cy = random.Next(40, 184), r = random.Next(20, 60);
            for (int c = 0; c < 3; c++)
            {
                double a = random.NextDouble(), b = random.NextDouble();
                for (int y = 0; y < Size; y++)
                {
                    for (int x = 0; x < Size; x++)
                    {
                        double v = 255 * (a * x / Size + b * y / Size) / 2 + (((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < r * r ? 90 : 0) + random.Next(-12, 13);
                        pixels[(((n * 3) + c) * Size * Size) + (y * Size) + x] = (float)Math.Clamp(Math.Round(v), 0, 255);
                    }
                }
            }
        }

        return pixels;
    }

    [Fact]
    public void Features_EqualOnnxRuntimeOnTheOriginalFiles()
    {
        const int count = 3;
        float[] images = PhotoLike(count, seed: 11);
        string folder = PretrainedResNet18File.Locate();

        // ONNX Runtime: the package's preprocessing model, then the network, one image at a time (both graphs have batch 1).
        var expected = new List<float>();
        using (var prep = new InferenceSession(Path.Combine(folder, PretrainedResNet18File.PreprocessingFile)))
        using (var net = new InferenceSession(Path.Combine(folder, PretrainedResNet18File.NetworkFile)))
        {
            for (int n = 0; n < count; n++)
            {
                var input = new DenseTensor(images.AsMemory(n * 3 * Size * Size, 3 * Size * Size).ToArray(), new[] { 1, 3, Size, Size });
                using var prepared = prep.Run(new[] { NamedOnnxValue.CreateFromTensor(prep.InputMetadata.Keys.Single(), input) });
                var bgr = prepared.Single().AsTensor<float>().ToDenseTensor();
                using var features = net.Run(new[] { NamedOnnxValue.CreateFromTensor(net.InputMetadata.Keys.Single(), bgr) });
                expected.AddRange(features.Single().AsEnumerable<float>());
            }
        }

        float[] actual;
        torch.manual_seed(1);
        using (ImageNetwork network = ImageNetwork.Create(NetworkArchitecture.ResNet18ImageNet, classes: 2, imageSize: Size))
        using (no_grad())
        using (NewDisposeScope())
        {
            network.Eval();
            actual = network.Features(tensor(images).reshape(count, 3, Size, Size)).data<float>().ToArray();
        }

        Assert.Equal(count * 512, expected.Count);
        Assert.Equal(expected.Count, actual.Length);
        double[] diff = expected.Zip(actual, (e, a) => (double)Math.Abs(e - a)).ToArray();
        double scale = expected.Max(e => Math.Abs(e));
        double relative = diff.Max() / scale;
        _output.WriteLine(FormattableString.Invariant($"mean |diff| {diff.Average():E2}, max |diff| {diff.Max():E2}, largest feature {scale:F3}, max relative error {relative:E2}"));
        Assert.True(scale > 0.1, "the features are all near zero: the weights did not load");
        Assert.True(relative <= 1e-4, FormattableString.Invariant($"max |TorchSharp - ONNX Runtime| / max |feature| = {relative:E2} (max |diff| {diff.Max():E2})"));
    }

    [Fact]
    public void ChangedFile_IsRefusedWithItsName()
    {
        string source = PretrainedResNet18File.Locate();
        string folder = Path.Combine(Path.GetTempPath(), "ffr-dnn-" + Guid.NewGuid().ToString("N"));
        try
        {
            foreach (string file in new[] { PretrainedResNet18File.NetworkFile, PretrainedResNet18File.PreprocessingFile })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, file))!);
                File.Copy(Path.Combine(source, file), Path.Combine(folder, file));
            }

            string changed = Path.Combine(folder, PretrainedResNet18File.NetworkFile);
            using (var stream = new FileStream(changed, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Position = stream.Length / 2;
                int b = stream.ReadByte();
                stream.Position--;
                stream.WriteByte((byte)(b ^ 0x40));
            }

            using var network = new ImageNetResNet18(2, Size);
            var error = Assert.Throws<InvalidDataException>(() => PretrainedResNet18File.Load(network, folder));
            Assert.Contains(changed, error.Message);
            Assert.Contains("SHA-256", error.Message);
            Assert.Contains(PretrainedResNet18File.PackageId, error.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void MissingFiles_NameTheFoldersAndThePackage()
    {
        string empty = Path.Combine(Path.GetTempPath(), "ffr-none-" + Guid.NewGuid().ToString("N"));
        var error = Assert.Throws<FileNotFoundException>(() => PretrainedResNet18File.Locate(new[] { empty }));
        Assert.Contains(empty, error.Message);
        Assert.Contains(PretrainedResNet18File.PackageId, error.Message);
        Assert.Contains(PretrainedResNet18File.FolderVariable, error.Message);
    }
}
