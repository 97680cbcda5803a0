using System.CommandLine;
using System.Globalization;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The network options (architecture, image size, freezing, initial weights, device), shared by train, compare and reproduce; defaults from <see cref="FfrTrainerDefaults"/>.</summary>
internal sealed class NetworkChoice
{
    /// <summary>--device when not given: the CPU (the GPU is asked for, never taken silently).</summary>
    private const string Cpu = "cpu";

    public CliOption<NetworkArchitecture> Architecture { get; } = CliOptions.Choice("--architecture",
        "smallcnn, resnet18, resnet34, resnet50, or resnet18-imagenet (ImageNet-pretrained, for photos; use --image-size 224).", Names.Architectures, FfrTrainerDefaults.Architecture);

    public CliOption<int> ImageSize { get; } = CliOptions.Int("--image-size",
        $"Side of the square network input, {FfrTrainerOptions.MinImageSize} to {FfrTrainerOptions.MaxImageSize} (32 or more for a ResNet); images are stretched to it.",
        FfrTrainerDefaults.ImageSize, FfrTrainerOptions.MinImageSize, FfrTrainerOptions.MaxImageSize);

    public CliOption<FrozenLayers> Freeze { get; } = CliOptions.Choice("--freeze",
        "none, backbone (train the head on features computed once: fast on a CPU) or all-but-last-stage; needs pretrained weights.", Names.Freezing, FfrTrainerDefaults.Freeze);

    public CliOption<string?> InitialWeights { get; } = CliOptions.Text("--initial-weights",
        "Weights to start from: a state dict saved by PyTorch (.pth, .pt; e.g. torchvision's ImageNet ResNet weights), as .safetensors, or by TorchSharp, for the same architecture; a head of another size is skipped.");

    public CliOption<string> Device { get; } = CliOptions.Completing(CliOptions.Text("--device", "cpu, cuda or cuda:N.", Cpu), new[] { Cpu, "cuda", "cuda:0" });

    public IEnumerable<Option> Options => new Option[] { Architecture, ImageSize, Freeze, InitialWeights, Device };

    /// <summary>Sets the network options of <paramref name="options"/> from the arguments.</summary>
    public FfrTrainerOptions Apply(ParseResult args, FfrTrainerOptions options)
    {
        options.Architecture = args.GetValue(Architecture);
        options.ImageSize = args.GetValue(ImageSize);
        options.Freeze = args.GetValue(Freeze);
        options.InitialWeightsPath = args.GetValue(InitialWeights) is string weights
            ? Inputs.Require(weights, "Initial weights file", "Pass --initial-weights the path of a .pth, .pt, .safetensors or TorchSharp weights file.")
            : null;
        int smallest = options.Architecture.MinimumImageSize();
        if (options.ImageSize < smallest)
        {
            throw new UserErrorException($"--image-size {options.ImageSize} is too small for --architecture {Names.Format(options.Architecture)}: a ResNet halves the image five times and needs at least {smallest} pixels. Use --image-size {smallest} or more (224 for resnet18-imagenet), or --architecture smallcnn.");
        }

        if (options.Freeze != FrozenLayers.None && options.InitialWeightsPath is null && !options.Architecture.IsPretrained())
        {
            throw new UserErrorException($"--freeze {Names.Format(options.Freeze)} keeps the initial weights, and --architecture {Names.Format(options.Architecture)} starts from random ones: there is nothing pretrained to freeze. Use --architecture resnet18-imagenet, give --initial-weights FILE, or leave --freeze out.");
        }

        return options;
    }

    /// <summary>The CUDA device of --device (null for cpu), refused at once when this build or machine has no CUDA.</summary>
    public int? GpuDevice(ParseResult args)
    {
        string device = args.Value(Device);
        if (device == Cpu)
        {
            return null;
        }

        if (device != "cuda" && !(device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new UserErrorException($"--device: '{device}' is not a device; use cpu, cuda or cuda:N (N from 0).");
        }

        int id = device == "cuda" ? 0 : int.Parse(device.AsSpan(5), CultureInfo.InvariantCulture);
        if (!TorchSharp.torch.cuda.is_available() || id >= TorchSharp.torch.cuda.device_count())
        {
            throw new UserErrorException(TorchSharp.torch.cuda.is_available()
                ? $"--device {device}: this machine has {TorchSharp.torch.cuda.device_count()} CUDA device(s), numbered from 0."
                : $"--device {device}: no CUDA device is available (this build uses the CPU libtorch; build with -p:FfrTorchBackend=cuda on a machine with an NVIDIA GPU). Use --device cpu.");
        }

        return id;
    }
}
