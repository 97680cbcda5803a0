using System.Text.Json;
using Ffr.MLNet.Images;

namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class AnalyzeCommandTests
{
    private readonly CliData _data;

    public AnalyzeCommandTests(CliData data) => _data = data;

    [Fact]
    public void Analyze_Json_HasGroupsBiasRatesAndBudgets()
    {
        var (code, output, _) = Ffr.Run("analyze", "--manifest", _data.Manifest, "--json");
        Assert.Equal(0, code);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement root = json.RootElement;
        Assert.Contains(root.GetProperty("groups").EnumerateArray(), g =>
            g.GetProperty("label").GetString() == "tshirt" && g.GetProperty("attribute").GetString() == "red" && g.GetProperty("source").GetString() == "real" && g.GetProperty("count").GetInt32() == 1000);
        Assert.Contains(root.GetProperty("groups").EnumerateArray(), g => g.GetProperty("source").GetString() == "synthetic" && g.GetProperty("count").GetInt32() == 1000);
        Assert.Equal(1000.0 / 1053, root.GetProperty("biasRate").GetProperty("bag").GetDouble(), 6);
        Assert.Equal(982, root.GetProperty("budget").GetProperty("usb").GetProperty("tshirt|green").GetInt32()); // 1000 - 18
        Assert.Equal(0, root.GetProperty("budget").GetProperty("usb").GetProperty("tshirt|red").GetInt32());
        int k = root.GetProperty("budget").GetProperty("ffr").GetProperty("tshirt|red").GetInt32();
        Assert.Equal(k, root.GetProperty("budget").GetProperty("asb").GetProperty("bag|blue").GetInt32());
    }

    [Fact]
    public void Analyze_Tables_ShowReportAndBudgets()
    {
        var (code, output, _) = Ffr.Run("analyze", "--manifest", _data.Manifest);
        Assert.Equal(0, code);
        Assert.Contains("Label    Attribute  Count  Share of class", output);
        Assert.Contains("Synthetic budget, Ffr", output);
    }

    [Fact]
    public void Analyze_Chart_WritesThePictureOfTheBias()
    {
        string chart = Path.Combine(_data.Folder, "analyze", "bias.png");
        var run = Ffr.Run("analyze", "--manifest", _data.Manifest, "--chart", chart);
        Assert.True(run.Code == 0, run.Error);
        RgbImage image = RgbImage.Load(chart);
        Assert.Equal((90 + 250 + 16 * (5 * 16 + 24), 560), (image.Width, image.Height)); // 16 subgroups, 5 bars each: real, pool, USB, ASB, FFR
        Assert.Equal(2, Ffr.Run("analyze", "--manifest", _data.Manifest, "--chart", _data.Folder).Code); // a folder is not a file to write
    }

    [Theory]
    [InlineData(new[] { "analyze" }, 2, "ffr analyze: 'ffr analyze' needs --manifest: The manifest CSV.")]
    [InlineData(new[] { "analyze", "--manifest", "/nowhere/m.csv" }, 2, "ffr analyze: Manifest '/nowhere/m.csv' was not found.")]
    [InlineData(new[] { "analyze", "--manifest", "x.csv", "--colour", "red" }, 2, "ffr analyze: Unknown option '--colour' for 'ffr analyze'.")]
    [InlineData(new[] { "analyze", "--manifest", "/tmp" }, 2, "ffr analyze: Manifest '/tmp' is a folder, not a file.")]
    [InlineData(new[] { "analyze", "--manifest", "/tmp", "--json", "--json" }, 2, "ffr analyze: Option '--json' is given more than once; give it once.")]
    public void UserErrors_OneMessageAndExitCode_NoStackTrace(string[] args, int code, string message) => Ffr.AssertFails(args, code, message);
}
