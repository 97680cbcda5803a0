using Ffr.MLNet.IO;
using TorchSharp;
using TorchSharp.PyBridge;

namespace Ffr.MLNet.Cli.Tests.Failures;

/// <summary><c>train --initial-weights</c>: a file that does not fit is one message in the tool's terms, before any training.</summary>
[Collection(CliCollection.Name)]
public sealed class InitialWeightsTests
{
    private readonly CliData _data;

    public InitialWeightsTests(CliData data) => _data = data;

    [Fact]
    public void Train_InitialWeightsOfAnotherArchitecture_NamesTheFileAndTheArchitecture_ExitOne_NothingWritten()
    {
        string folder = Path.Combine(_data.Folder, "initial-weights");
        Directory.CreateDirectory(folder);
        string weights = Path.Combine(folder, "resnet34.pth");
        using (var resnet34 = torchvision.models.resnet34(num_classes: 1000))
        {
            AtomicFile.Write(weights, stream => resnet34.save_py(stream, leaveOpen: true));
        }

        string model = Path.Combine(folder, "model.zip");
        var (code, stdout, error) = Ffr.Run("train", "--manifest", _data.SmallManifest, "--strategy", "none", "--epochs", "1",
            "--architecture", "resnet18", "--initial-weights", weights, "--model-out", model);

        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.StartsWith($"ffr train: Initial weights file '{Path.GetFullPath(weights)}' does not fit a ResNet18 network: ", error);
        Assert.Contains("The file looks like a ResNet34 state dict", error);
        Assert.DoesNotContain("   at ", error + stdout);
        Assert.False(File.Exists(model));
    }

    [Fact]
    public void Train_InitialWeightsMissing_IsACommandLineError()
    {
        string missing = Path.Combine(_data.Folder, "no-such-weights.pth");
        var (code, _, error) = Ffr.Run("train", "--manifest", _data.SmallManifest, "--strategy", "none", "--epochs", "1",
            "--initial-weights", missing, "--model-out", Path.Combine(_data.Folder, "unused.zip"));

        Assert.True(code == 2, $"exit {code}: {error}");
        Assert.Contains(missing, error);
    }
}
