using Ffr.MLNet.IO;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Networks;

/// <summary>
/// A classification network with access to its penultimate features and its last linear layer,
/// whatever the architecture. Owns the TorchSharp module.
/// </summary>
internal sealed class ImageNetwork : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly (string Name, nn.Module<Tensor, Tensor> Module)[] _featureStages;
    private nn.Module[] _frozen = Array.Empty<nn.Module>();

    private ImageNetwork(NetworkArchitecture architecture, nn.Module<Tensor, Tensor> module, int classes)
    {
        Architecture = architecture;
        _module = module;
        Classes = classes;
        switch (module)
        {
            case ResNet:
                _featureStages = module.named_children()
                    .Where(c => c.name != "fc")
                    .Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module))
                    .ToArray();
                Head = (Linear)module.named_children().First(c => c.name == "fc").module;
                break;
            case ImageNetResNet18 pretrained:
                _featureStages = Array.Empty<(string, nn.Module<Tensor, Tensor>)>();
                Head = pretrained.Head;
                break;
            default:
                _featureStages = Array.Empty<(string, nn.Module<Tensor, Tensor>)>();
                Head = ((SmallCnn)module).Head;
                break;
        }

        FeatureSize = (int)Head.in_features;
    }

    public NetworkArchitecture Architecture { get; }

    public int Classes { get; }

    public int FeatureSize { get; }

    /// <summary>The last linear layer (<c>fc</c>).</summary>
    public Linear Head { get; }

    /// <summary>The TorchSharp module.</summary>
    public nn.Module<Tensor, Tensor> Module => _module;

    /// <summary>The layers frozen by <see cref="Freeze"/>.</summary>
    public FrozenLayers Frozen { get; private set; }

    /// <summary>Creates a network with freshly initialised weights (seed the torch generator first); a pretrained architecture loads its backbone.</summary>
    public static ImageNetwork Create(NetworkArchitecture architecture, int classes, int imageSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (architecture == NetworkArchitecture.ResNet18ImageNet)
        {
            string folder = PretrainedResNet18File.Locate();
            var pretrained = new ImageNetResNet18(classes, imageSize);
            try
            {
                PretrainedResNet18File.Load(pretrained, folder);
            }
            catch
            {
                pretrained.Dispose();
                throw;
            }

            return new ImageNetwork(architecture, pretrained, classes);
        }

        nn.Module<Tensor, Tensor> module = architecture switch
        {
            NetworkArchitecture.SmallCnn => new SmallCnn(classes),
            NetworkArchitecture.ResNet18 => torchvision.models.resnet18(num_classes: classes),
            NetworkArchitecture.ResNet34 => torchvision.models.resnet34(num_classes: classes),
            NetworkArchitecture.ResNet50 => torchvision.models.resnet50(num_classes: classes),
            _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "Unknown architecture."),
        };
        return new ImageNetwork(architecture, module, classes);
    }

    /// <summary>
    /// Freezes <paramref name="layers"/>: their parameters stop requiring gradients and their batch
    /// norms stay in evaluation mode in <see cref="Train"/>.
    /// </summary>
    public void Freeze(FrozenLayers layers)
    {
        Frozen = layers;
        var named = _module.named_children().ToArray();
        _frozen = layers switch
        {
            FrozenLayers.None => Array.Empty<nn.Module>(),
            FrozenLayers.Backbone => named.Where(c => c.module != Head).Select(c => c.module).ToArray(),
            FrozenLayers.AllButLastStage => named.Where(c => c.module != Head && !LastStage.Contains(c.name)).Select(c => c.module).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(layers), layers, "Unknown frozen layers."),
        };
        foreach (nn.Module module in _frozen)
        {
            foreach (Parameter p in module.parameters())
            {
                p.requires_grad = false;
            }
        }
    }

    /// <summary>The parameters that train (all but the frozen ones).</summary>
    public IEnumerable<Parameter> TrainableParameters() => _module.parameters().Where(p => p.requires_grad);

    /// <summary>The children that make the last stage: <c>layer4</c> of a ResNet, the third block (<c>conv3</c>, <c>bn3</c>) of the small CNN.</summary>
    private string[] LastStage => _module is SmallCnn ? new[] { "conv3", "bn3" } : new[] { "layer4" };

    /// <summary>Logits, [N, Classes].</summary>
    public Tensor Forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        return _module.call(ChannelsLast(input)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// An image batch [N, C, H, W] laid out channels-last (NHWC in memory), so that libtorch runs its channels-last
    /// convolution, batch-norm and pooling kernels, about a quarter faster on a CPU for the small CNN (as PyTorch does
    /// for an input made from HWC images); the values are the same. A batch already so laid out is taken as it is.
    /// </summary>
    internal static Tensor ChannelsLast(Tensor input)
    {
        if (input.dim() != 4)
        {
            return input;
        }

        long[] stride = input.stride();
        long channels = input.shape[1];
        long width = input.shape[3];
        bool channelsLast = stride[1] == 1 && stride[3] == channels && stride[2] == width * channels;
        return channelsLast ? input : input.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Penultimate features, [N, FeatureSize].</summary>
    public Tensor Features(Tensor input)
    {
        using var scope = NewDisposeScope();
        if (_module is SmallCnn small)
        {
            return small.Features(ChannelsLast(input)).MoveToOuterDisposeScope();
        }

        if (_module is ImageNetResNet18 pretrained)
        {
            return pretrained.Features(ChannelsLast(input)).MoveToOuterDisposeScope();
        }

        Tensor x = ChannelsLast(input);
        foreach ((string _, nn.Module<Tensor, Tensor> stage) in _featureStages)
        {
            x = stage.call(x);
        }

        return x.flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Switches to training mode; with <paramref name="freezeBatchNorm"/>, batch-norm layers stay in
    /// evaluation mode, and so do the frozen layers'.
    /// </summary>
    public void Train(bool freezeBatchNorm)
    {
        _module.train();
        foreach (nn.Module module in freezeBatchNorm ? _module.modules() : _frozen.SelectMany(f => f.modules().Prepend(f)))
        {
            if (module is BatchNorm2d)
            {
                module.eval();
            }
        }
    }

    public void Eval() => _module.eval();

    public ImageNetwork To(Device device)
    {
        _module.to(device);
        return this;
    }

    /// <summary>Copies of every weight and buffer, on the CPU (the best epoch's state).</summary>
    public Dictionary<string, Tensor> Snapshot()
    {
        var snapshot = new Dictionary<string, Tensor>();
        using var scope = NewDisposeScope(); // the detach/cpu intermediates; the copies leave it
        using (no_grad())
        {
            foreach ((string name, Tensor tensor) in _module.state_dict())
            {
                snapshot[name] = tensor.detach().cpu().clone().DetachFromDisposeScope();
            }
        }

        return snapshot;
    }

    /// <summary>Writes <paramref name="snapshot"/> back into the network.</summary>
    public void Restore(IReadOnlyDictionary<string, Tensor> snapshot)
    {
        using (no_grad())
        {
            foreach ((string name, Tensor tensor) in _module.state_dict())
            {
                tensor.copy_(snapshot[name]);
            }
        }
    }

    /// <summary>
    /// Loads a weights file: TorchSharp's format, PyTorch's .pth/.pt, or .safetensors (<see cref="WeightsFile"/>);
    /// a head of another size is kept as initialised.
    /// </summary>
    public void LoadWeights(string path)
    {
        string full = InputFile.Require(path, "Initial weights file", WeightsFile.Advice);
        WeightsFile.Load(_module, Architecture, full, path);
    }

    public void Dispose() => _module.Dispose();
}
