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

    private ImageNetwork(NetworkArchitecture architecture, nn.Module<Tensor, Tensor> module, int classes)
    {
        Architecture = architecture;
        _module = module;
        Classes = classes;
        if (module is ResNet)
        {
            _featureStages = module.named_children()
                .Where(c => c.name != "fc")
                .Select(c => (c.name, (nn.Module<Tensor, Tensor>)c.module))
                .ToArray();
            Head = (Linear)module.named_children().First(c => c.name == "fc").module;
        }
        else
        {
            _featureStages = Array.Empty<(string, nn.Module<Tensor, Tensor>)>();
            Head = ((SmallCnn)module).Head;
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

    /// <summary>Creates a network with freshly initialised weights (seed the torch generator first).</summary>
    public static ImageNetwork Create(NetworkArchitecture architecture, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
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

    /// <summary>Logits, [N, Classes].</summary>
    public Tensor Forward(Tensor input) => _module.call(input);

    /// <summary>Penultimate features, [N, FeatureSize].</summary>
    public Tensor Features(Tensor input)
    {
        if (_module is SmallCnn small)
        {
            return small.Features(input);
        }

        using var scope = NewDisposeScope();
        Tensor x = input;
        foreach ((string _, nn.Module<Tensor, Tensor> stage) in _featureStages)
        {
            x = stage.call(x);
        }

        return x.flatten(1).MoveToOuterDisposeScope();
    }

    /// <summary>Switches to training mode; with <paramref name="freezeBatchNorm"/>, batch-norm layers stay in evaluation mode.</summary>
    public void Train(bool freezeBatchNorm)
    {
        _module.train();
        if (freezeBatchNorm)
        {
            foreach (nn.Module module in _module.modules())
            {
                if (module is BatchNorm2d)
                {
                    module.eval();
                }
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
