using Ffr.MLNet.IO;
using Ffr.MLNet.Networks;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Networks;

/// <summary>
/// Weights files in the three formats, written here from TorchSharp's torchvision ResNets (whose keys
/// are torchvision's): PyTorch's torch.save zip (.pth), safetensors, and TorchSharp's own format.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class WeightsFileTests : IDisposable
{
    private readonly TemporaryFolder _folder = TemporaryFolder.Create();

    public void Dispose() => _folder.Dispose();

    private static ImageNetwork Network(NetworkArchitecture architecture, int classes, int seed)
    {
        torch.manual_seed(seed);
        ImageNetwork network = ImageNetwork.Create(architecture, classes);
        using (no_grad())
        {
            foreach ((string name, Tensor tensor) in network.Module.state_dict())
            {
                if (name.Contains("running_", StringComparison.Ordinal))
                {
                    tensor.uniform_(0.5, 1.5); // not the constructor's zeros and ones, so that loading them shows
                }
            }
        }

        return network;
    }

    /// <summary>Writes <paramref name="module"/>'s state dict (less <paramref name="skip"/>) in the format the extension names.</summary>
    private string Save(nn.Module module, string name, params string[] skip)
    {
        string path = Path.Combine(_folder.Path, name);
        AtomicFile.Write(path, stream =>
        {
            switch (Path.GetExtension(name))
            {
                case ".pth" or ".pt":
                    module.save_py(stream, skip, leaveOpen: true);
                    break;
                case ".safetensors":
                    module.save_safetensors(stream, skip, leaveOpen: true);
                    break;
                default:
                    using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                    {
                        module.save(writer, skip);
                    }

                    break;
            }
        });
        return path;
    }

    private string SaveSafetensors(Dictionary<string, Tensor> state, string name)
    {
        string path = Path.Combine(_folder.Path, name);
        AtomicFile.Write(path, stream => Safetensors.SaveStateDict(stream, state, leaveOpen: true));
        return path;
    }

    private static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    private static void AssertEqualState(nn.Module expected, nn.Module actual, Func<string, bool> which)
    {
        Dictionary<string, Tensor> a = expected.state_dict();
        Dictionary<string, Tensor> b = actual.state_dict();
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (string key in a.Keys.Where(which))
        {
            Assert.True(Same(a[key], b[key]), $"{key} differs");
        }
    }

    [Theory]
    [InlineData("resnet18.pth", "PyTorch")]
    [InlineData("resnet18.pt", "PyTorch")]
    [InlineData("resnet18.safetensors", "Safetensors")]
    [InlineData("resnet18.bin", "TorchSharp")]
    public void LoadWeights_EachFormat_GivesTheSameWeights(string name, string format)
    {
        using ImageNetwork source = Network(NetworkArchitecture.ResNet18, 3, seed: 1);
        string path = Save(source.Module, name);

        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);
        Assert.False(Same(source.Module.state_dict()["conv1.weight"], target.Module.state_dict()["conv1.weight"]));

        Assert.Equal(Enum.Parse<WeightsFormat>(format), WeightsFile.Detect(path));
        target.LoadWeights(path);

        AssertEqualState(source.Module, target.Module, _ => true);
    }

    [Fact]
    public void Detect_ByContent_NotByExtension()
    {
        using ImageNetwork source = Network(NetworkArchitecture.SmallCnn, 2, seed: 1);
        string zip = Save(source.Module, "a.pth");
        string safetensors = Save(source.Module, "b.safetensors");
        string misnamedZip = Path.Combine(_folder.Path, "zip.weights");
        string misnamedSafetensors = Path.Combine(_folder.Path, "safetensors.pth");
        File.Copy(zip, misnamedZip);
        File.Copy(safetensors, misnamedSafetensors);

        Assert.Equal(WeightsFormat.PyTorch, WeightsFile.Detect(misnamedZip));
        Assert.Equal(WeightsFormat.Safetensors, WeightsFile.Detect(misnamedSafetensors));
        Assert.Equal(WeightsFormat.TorchSharp, WeightsFile.Detect(Save(source.Module, "c.dat")));
    }

    [Theory]
    [InlineData("imagenet.pth")]
    [InlineData("imagenet.safetensors")]
    [InlineData("imagenet.bin")]
    public void LoadWeights_ImageNetHead_IsSkipped_BackboneLoaded(string name)
    {
        using ImageNetwork imagenet = Network(NetworkArchitecture.ResNet18, 1000, seed: 1);
        string path = Save(imagenet.Module, name);
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);
        using Tensor head = target.Head.weight!.detach().clone();

        target.LoadWeights(path);

        AssertEqualState(imagenet.Module, target.Module, k => !k.StartsWith("fc.", StringComparison.Ordinal));
        Assert.True(Same(head, target.Head.weight!));
    }

    [Fact]
    public void LoadWeights_WithoutHeadOrBatchCounters_Loads()
    {
        using ImageNetwork source = Network(NetworkArchitecture.ResNet18, 3, seed: 1);
        string[] counters = source.Module.state_dict().Keys.Where(k => k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToArray();
        Assert.Equal(20, counters.Length); // one per batch norm: files from older PyTorch versions lack them
        string path = Save(source.Module, "headless.pth", counters.Append("fc.weight").Append("fc.bias").ToArray());
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);

        target.LoadWeights(path);

        AssertEqualState(source.Module, target.Module, k => !k.StartsWith("fc.", StringComparison.Ordinal) && !counters.Contains(k));
    }

    [Fact]
    public void LoadWeights_MissingKey_NamesItAndItsShape_ChangesNothing()
    {
        using ImageNetwork source = Network(NetworkArchitecture.ResNet18, 3, seed: 1);
        string path = Save(source.Module, "missing.pth", "layer2.0.bn1.running_var");
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);
        using Tensor before = target.Module.state_dict()["conv1.weight"].detach().clone();

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.Equal(
            $"Initial weights file '{path}' does not fit a ResNet18 network: 1 missing key(s): layer2.0.bn1.running_var [128]. {WeightsFile.Advice}",
            ex.Message);
        Assert.True(Same(before, target.Module.state_dict()["conv1.weight"]));
    }

    [Fact]
    public void LoadWeights_KeyOfAnotherShape_NamesExpectedAndFound()
    {
        using ImageNetwork source = Network(NetworkArchitecture.ResNet18, 3, seed: 1);
        Dictionary<string, Tensor> state = source.Module.state_dict();
        using Tensor small = torch.randn(64, 3, 3, 3);
        state["conv1.weight"] = small;
        string path = SaveSafetensors(state, "reshaped.safetensors");
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.Equal(
            $"Initial weights file '{path}' does not fit a ResNet18 network: 1 key(s) of another shape: conv1.weight expected [64, 3, 7, 7], found [64, 3, 3, 3]. {WeightsFile.Advice}",
            ex.Message);
    }

    [Fact]
    public void LoadWeights_FileOfAnotherArchitecture_SaysWhichItLooksLike()
    {
        using ImageNetwork resnet34 = Network(NetworkArchitecture.ResNet34, 3, seed: 1);
        string path = Save(resnet34.Module, "resnet34.pth");
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.StartsWith($"Initial weights file '{path}' does not fit a ResNet18 network: ", ex.Message);
        Assert.Contains("unexpected key(s): layer1.2.bn1.bias [64], ", ex.Message);
        Assert.Contains(", and ", ex.Message); // more than five, summed up
        Assert.DoesNotContain("missing key(s)", ex.Message);
        Assert.EndsWith("The file looks like a ResNet34 state dict: set Architecture to ResNet34, or pass a ResNet18 file.", ex.Message);
    }

    /// <summary>
    /// The keys and shapes of torchvision's resnet50 ImageNet state dict (as in resnet50-11ad3fa6.pth:
    /// 320 entries, 53 batch norms with num_batches_tracked), which a ResNet50 network must have for
    /// such a file to load.
    /// </summary>
    [Fact]
    public void ResNet50_HasTorchvisionsStateDictKeysAndShapes()
    {
        using ImageNetwork resnet50 = ImageNetwork.Create(NetworkArchitecture.ResNet50, 1000);
        Dictionary<string, Tensor> state = resnet50.Module.state_dict();

        Assert.Equal(320, state.Count);
        Assert.Equal(53, state.Keys.Count(k => k.EndsWith(".num_batches_tracked", StringComparison.Ordinal)));
        var torchvision = new Dictionary<string, long[]>
        {
            ["conv1.weight"] = new long[] { 64, 3, 7, 7 },
            ["bn1.running_mean"] = new long[] { 64 },
            ["layer1.0.conv3.weight"] = new long[] { 256, 64, 1, 1 },
            ["layer1.0.downsample.0.weight"] = new long[] { 256, 64, 1, 1 },
            ["layer1.0.downsample.1.running_var"] = new long[] { 256 },
            ["layer3.5.bn2.bias"] = new long[] { 256 },
            ["layer4.2.conv3.weight"] = new long[] { 2048, 512, 1, 1 },
            ["fc.weight"] = new long[] { 1000, 2048 },
            ["fc.bias"] = new long[] { 1000 },
        };
        foreach ((string key, long[] shape) in torchvision)
        {
            Assert.True(state.ContainsKey(key), key);
            Assert.Equal(shape, state[key].shape);
        }
    }

    [Fact]
    public void LoadWeights_ResNet50FileIntoSmallCnn_ListsMissingUnexpectedAndReshapedKeys()
    {
        using ImageNetwork resnet50 = Network(NetworkArchitecture.ResNet50, 1000, seed: 1);
        string path = Save(resnet50.Module, "resnet50-imagenet.safetensors");
        using ImageNetwork target = Network(NetworkArchitecture.SmallCnn, 3, seed: 2);

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.Contains("missing key(s): conv2.weight [", ex.Message);
        Assert.Contains("key(s) of another shape: conv1.weight expected [", ex.Message);
        Assert.Contains("found [64, 3, 7, 7]", ex.Message);
        Assert.EndsWith("The file looks like a ResNet50 state dict: set Architecture to ResNet50, or pass a SmallCnn file.", ex.Message);
    }

    [Fact]
    public void LoadWeights_LegacyPyTorchPickle_SaysToSaveItAgain()
    {
        // torch.save before PyTorch 1.6: a bare pickle stream (protocol 2 header, then a magic number), not a zip.
        string path = Path.Combine(_folder.Path, "legacy.pth");
        File.WriteAllBytes(path, new byte[] { 0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E });
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.Contains(path, ex.Message);
        Assert.Contains("legacy (pre-1.6) format", ex.Message);
    }

    [Fact]
    public void LoadWeights_KeysOfAWrappedModel_SaysToSaveTheInnerModel()
    {
        using ImageNetwork source = Network(NetworkArchitecture.ResNet18, 3, seed: 1);
        Dictionary<string, Tensor> state = source.Module.state_dict().ToDictionary(p => "module." + p.Key, p => p.Value);
        string path = SaveSafetensors(state, "data-parallel.safetensors");
        using ImageNetwork target = Network(NetworkArchitecture.ResNet18, 3, seed: 2);

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.EndsWith("Every key in the file starts with 'module.' (a wrapped model): save the inner model's state_dict() instead.", ex.Message);
    }

    public static TheoryData<string, string> Damages()
    {
        var data = new TheoryData<string, string>();
        foreach (string name in new[] { "damaged.pth", "damaged.safetensors", "damaged.bin" })
        {
            foreach (string damage in FileDamage.Kinds)
            {
                data.Add(name, damage);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Damages))]
    public void LoadWeights_DamagedFile_NamesTheFile_ChangesNothing(string name, string damage)
    {
        using ImageNetwork source = Network(NetworkArchitecture.SmallCnn, 3, seed: 1);
        string path = Save(source.Module, damage + "-" + name);
        FileDamage.Apply(path, damage);
        using ImageNetwork target = Network(NetworkArchitecture.SmallCnn, 3, seed: 2);
        using Tensor before = target.Head.weight!.detach().clone();

        var ex = Assert.Throws<InvalidDataException>(() => target.LoadWeights(path));

        Assert.StartsWith($"Initial weights file '{path}' is truncated or damaged, or is not a ", ex.Message);
        Assert.EndsWith(WeightsFile.Advice, ex.Message);
        Assert.True(Same(before, target.Head.weight!));
    }

    [Fact]
    public void LoadWeights_ReadsNothingIntoTheCallersScope_LeavesNoTensorBehind()
    {
        using ImageNetwork source = Network(NetworkArchitecture.SmallCnn, 3, seed: 1);
        string path = Save(source.Module, "leak.pth");
        using ImageNetwork target = Network(NetworkArchitecture.SmallCnn, 3, seed: 2);
        using var scope = NewDisposeScope();

        target.LoadWeights(path);

        Assert.Equal(0, scope.DisposablesCount);
    }
}
