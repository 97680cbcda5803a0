using System.Text.Json;

namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class TrainCommandTests
{
    private readonly CliData _data;

    public TrainCommandTests(CliData data) => _data = data;

    [Fact]
    public void Train_FfrGroupDro_WritesTheModelAndASummaryOfBothPhases()
    {
        string model = Path.Combine(_data.Folder, "out", "model.zip");
        var train = Ffr.Run("train", "--manifest", _data.SmallManifest, "--strategy", "ffr", "--method", "groupdro", "--model-out", model, "--epochs", "1", "--fine-tuning-epochs", "1", "--seed", "1");
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("fine-tuning epoch 1/1: loss", train.Output);
        Assert.True(File.Exists(model));
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".summary.json")));
        Assert.Equal(2, summary.RootElement.GetProperty("phases").GetArrayLength());

        // Decoding every pass instead of holding the images changes the time, not the training.
        string streamed = Path.Combine(_data.Folder, "out", "streamed.zip");
        var again = Ffr.Run("train", "--manifest", _data.SmallManifest, "--strategy", "ffr", "--method", "groupdro", "--model-out", streamed, "--epochs", "1", "--fine-tuning-epochs", "1", "--seed", "1", "--image-cache-mb", "0");
        Assert.True(again.Code == 0, again.Error);
        using JsonDocument other = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(streamed, ".summary.json")));
        static IEnumerable<double> Losses(JsonDocument d) => d.RootElement.GetProperty("phases").EnumerateArray().SelectMany(p => p.GetProperty("epochs").EnumerateArray()).Select(e => e.GetProperty("loss").GetDouble());
        Assert.Equal(Losses(summary), Losses(other));
    }

    [Fact]
    public void Train_BadStrategy_ListsTheChoices()
    {
        var (exit, _, error) = Ffr.Run("train", "--manifest", _data.SmallManifest, "--model-out", "x.zip", "--strategy", "magic");
        Assert.Equal(2, exit);
        Assert.Equal("ffr train: --strategy 'magic' is not one of none, usb, asb, ffr." + Environment.NewLine, error);
    }

    [Theory]
    [InlineData(new[] { "train", "--manifest" }, 2, "ffr train: Option '--manifest' needs a value.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--image-size", "100000" }, 2, "ffr train: --image-size '100000' is not a whole number from 8 to 1024.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--image-size", "0" }, 2, "ffr train: --image-size '0' is not a whole number from 8 to 1024.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--epochs", "0" }, 2, "ffr train: --epochs '0' is not a whole number from 1 to 10000.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--strategy", "usb", "--images-per-subgroup", "5" }, 2, "ffr train: --images-per-subgroup applies to --strategy asb and ffr only; usb tops every subgroup up to the largest.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--image-cache-mb", "-1" }, 2, "ffr train: --image-cache-mb '-1' is not a whole number from 0 to 1048576.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp" }, 2, "ffr train: --model-out '/tmp' cannot be written: '/tmp' is a folder; give the path of a file to write. Choose another path.")]
    public void UserErrors_OneMessageAndExitCode_NoStackTrace(string[] args, int code, string message) => Ffr.AssertFails(args, code, message);
}
