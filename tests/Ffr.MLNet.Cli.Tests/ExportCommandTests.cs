namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ExportCommandTests
{
    private readonly CliData _data;

    public ExportCommandTests(CliData data) => _data = data;

    [Fact]
    public void Export_WritesTheNetworkAsOnnx()
    {
        string onnx = Path.Combine(_data.Folder, "export", "model.onnx");
        var export = Ffr.Run("export", "--model", _data.Model, "--onnx", onnx);
        Assert.True(export.Code == 0, export.Error);
        Assert.True(new FileInfo(onnx).Length > 10_000);
    }

    [Theory]
    [InlineData(new[] { "export", "--model", "/nowhere/model.zip", "--onnx", "/tmp/ffr-x.onnx" }, 2, "ffr export: Model '/nowhere/model.zip' was not found.")]
    public void UserErrors_OneMessageAndExitCode_NoStackTrace(string[] args, int code, string message) => Ffr.AssertFails(args, code, message);
}
