using System.Security.Cryptography;
using Onnx;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Networks;

/// <summary>
/// Finds, checks and reads the ImageNet-pretrained ResNet-18 of the NuGet package
/// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> 0.23.1 (MIT): <c>ResNet18Onnx/ResNet18.onnx</c> and
/// its preprocessing model <c>ResNetPrepOnnx/ResNetPreprocess.onnx</c>, under a <c>DnnImageModels</c>
/// folder. The files are looked for, in order, in the folder named by the environment variable
/// <c>FFR_DNN_IMAGE_MODELS</c>, in the application's own folder (the package copies them there when an
/// application references it, as <c>Ffr.MLNet.Trainers</c> does), and in the NuGet packages folder.
/// Both files must be byte for byte the package's (SHA-256), and the graph must have the structure
/// <see cref="ImageNetResNet18"/> rebuilds (shapes, strides, pads), or loading stops with a message.
/// </summary>
public static class PretrainedResNet18File
{
    /// <summary>The package that ships the files.</summary>
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>The package version whose files are known.</summary>
    public const string PackageVersion = "0.23.1";

    /// <summary>The environment variable naming a <c>DnnImageModels</c> folder to use first.</summary>
    public const string FolderVariable = "FFR_DNN_IMAGE_MODELS";

    internal const string NetworkFile = "ResNet18Onnx/ResNet18.onnx";
    internal const string PreprocessingFile = "ResNetPrepOnnx/ResNetPreprocess.onnx";
    private const string NetworkSha256 = "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f";
    private const string PreprocessingSha256 = "84bf8def78d0befaa3f6e73745d57d7016c6a192ead76f79686bd438c1047004";

    /// <summary>The <c>DnnImageModels</c> folders looked in, in order.</summary>
    public static IReadOnlyList<string> SearchFolders()
    {
        var folders = new List<string>();
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } variable)
        {
            folders.Add(variable);
        }

        folders.Add(Path.Combine(AppContext.BaseDirectory, "DnnImageModels"));
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } nuget
            ? nuget
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        folders.Add(Path.Combine(packages, PackageId.ToLowerInvariant(), PackageVersion, "tools", "DnnImageModels"));
        return folders;
    }

    /// <summary>The first search folder holding both files.</summary>
    /// <exception cref="FileNotFoundException">No folder holds them; the message lists the folders and how to get the files.</exception>
    public static string Locate() => Locate(SearchFolders());

    internal static string Locate(IReadOnlyList<string> folders)
    {
        foreach (string folder in folders)
        {
            if (File.Exists(Path.Combine(folder, NetworkFile)) && File.Exists(Path.Combine(folder, PreprocessingFile)))
            {
                return folder;
            }
        }

        throw new FileNotFoundException(
            $"The ImageNet-pretrained ResNet-18 ({NetworkFile} and {PreprocessingFile}) was not found in any of: {string.Join("; ", folders)}. " +
            $"Reference the NuGet package {PackageId} {PackageVersion} from the application (it copies a DnnImageModels folder next to it), " +
            $"or set {FolderVariable} to a DnnImageModels folder that holds both files.");
    }

    /// <summary>Fills <paramref name="network"/>'s backbone and mean image from the files in <paramref name="folder"/> (the head is left as it is).</summary>
    /// <exception cref="InvalidDataException">A file is not the package's, or its graph has another structure; the message names the file.</exception>
    public static void Load(ImageNetResNet18 network, string folder)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(folder);
        string networkPath = Path.Combine(folder, NetworkFile);
        string preprocessingPath = Path.Combine(folder, PreprocessingFile);
        ModelProto graph = Read(networkPath, NetworkSha256);
        ModelProto preprocessing = Read(preprocessingPath, PreprocessingSha256);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var initializers = graph.Graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var batchNorms = graph.Graph.Node.Where(n => n.OpType == "BatchNormalization").ToDictionary(n => n.Input[0], StringComparer.Ordinal);
        NodeProto[] convolutions = graph.Graph.Node.Where(n => n.OpType == "Conv").ToArray();
        var expected = network.ConvolutionsInGraphOrder().ToArray();
        if (convolutions.Length != expected.Length)
        {
            throw Changed(networkPath, $"it has {convolutions.Length} convolutions where ResNet-18 has {expected.Length}");
        }

        for (int i = 0; i < expected.Length; i++)
        {
            (string name, Conv2d conv, BatchNorm2d bn) = expected[i];
            NodeProto node = convolutions[i];
            long[] pads = Ints(node, "pads");
            long[] wanted = OnnxPads(name, conv);
            if (!pads.SequenceEqual(wanted) || !Ints(node, "strides").SequenceEqual(conv.stride))
            {
                throw Changed(networkPath, $"convolution {i + 1} ({node.Output[0]}, for {name}) has strides [{string.Join(",", Ints(node, "strides"))}] and pads [{string.Join(",", pads)}], not [{string.Join(",", conv.stride)}] and [{string.Join(",", wanted)}]");
            }

            Copy(conv.weight!, initializers, node.Input[1], networkPath, name + ".weight");
            if (!batchNorms.TryGetValue(node.Output[0], out NodeProto? norm) || norm.Input.Count != 5)
            {
                throw Changed(networkPath, $"convolution {node.Output[0]} (for {name}) is not followed by a batch normalization");
            }

            float epsilon = norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f;
            if (Math.Abs(epsilon - bn.eps) > 1e-9)
            {
                throw Changed(networkPath, $"batch normalization {norm.Output[0]} has epsilon {epsilon}, not {bn.eps}");
            }

            string bnName = name.EndsWith("downsample.0", StringComparison.Ordinal) ? name[..^1] + "1" : name.Replace("conv", "bn", StringComparison.Ordinal);
            Copy(bn.weight!, initializers, norm.Input[1], networkPath, bnName + ".weight");
            Copy(bn.bias!, initializers, norm.Input[2], networkPath, bnName + ".bias");
            Copy(bn.running_mean!, initializers, norm.Input[3], networkPath, bnName + ".running_mean");
            Copy(bn.running_var!, initializers, norm.Input[4], networkPath, bnName + ".running_var");
        }

        TensorProto? mean = preprocessing.Graph.Initializer.FirstOrDefault(t => t.Name == "MeanImage");
        if (mean is null || !mean.Dims.SequenceEqual(new long[] { 1, 3, ImageNetResNet18.NativeSize, ImageNetResNet18.NativeSize }))
        {
            throw Changed(preprocessingPath, $"it has no MeanImage of shape [1,3,{ImageNetResNet18.NativeSize},{ImageNetResNet18.NativeSize}]");
        }

        Tensor meanImage = tensor(Floats(mean), mean.Dims.ToArray());
        if (network.ImageSize != ImageNetResNet18.NativeSize)
        {
            meanImage = nn.functional.interpolate(meanImage, new long[] { network.ImageSize, network.ImageSize }, mode: InterpolationMode.Bilinear, align_corners: false);
        }

        network.MeanImage.copy_(meanImage);
    }

    /// <summary>ONNX pads [top, left, bottom, right] of a convolution of <see cref="ImageNetResNet18"/> (the stem and the downsampling 3x3 convolutions are padded asymmetrically).</summary>
    internal static long[] OnnxPads(string name, Conv2d conv)
    {
        if (name == "conv1")
        {
            return new long[] { 3, 3, 2, 2 };
        }

        if (conv.kernel_size[0] == 3 && conv.stride[0] == 2)
        {
            return new long[] { 1, 1, 0, 0 };
        }

        long p = conv.padding?[0] ?? 0;
        return new[] { p, p, p, p };
    }

    private static ModelProto Read(string path, string sha256)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new InvalidDataException($"The pretrained ResNet-18 file '{path}' cannot be read: {ex.Message}", ex);
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (hash != sha256)
        {
            throw Changed(path, $"its SHA-256 is {hash}, not that of the file in {PackageId} {PackageVersion} ({sha256})");
        }

        return ModelProto.Parser.ParseFrom(bytes);
    }

    private static void Copy(Tensor target, Dictionary<string, TensorProto> initializers, string name, string path, string parameter)
    {
        if (!initializers.TryGetValue(name, out TensorProto? source) || !source.Dims.SequenceEqual(target.shape))
        {
            throw Changed(path, $"its initializer '{name}' for {parameter} is missing or not of shape [{string.Join(",", target.shape)}]");
        }

        target.copy_(tensor(Floats(source), target.shape));
    }

    private static float[] Floats(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new InvalidDataException($"Initializer '{t.Name}' holds data type {t.DataType}, not float.");
        }

        return t.RawData.Length > 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray()
            : t.FloatData.ToArray();
    }

    private static long[] Ints(NodeProto node, string attribute) => node.Attribute.FirstOrDefault(a => a.Name == attribute)?.Ints.ToArray() ?? Array.Empty<long>();

    private static InvalidDataException Changed(string path, string what) =>
        new($"The pretrained ResNet-18 file '{path}' is not the one {PackageId} {PackageVersion} ships: {what}. Restore the package again (delete its folder in the NuGet packages folder first), or point {FolderVariable} at an unchanged copy.");
}
