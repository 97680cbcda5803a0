namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class PlanCommandTests
{
    private readonly CliData _data;

    public PlanCommandTests(CliData data) => _data = data;

    [Fact]
    public void Plan_WritesPromptsForTheStrategy()
    {
        string dir = Path.Combine(_data.Folder, "plan");
        var (code, output, _) = Ffr.Run("plan", "--manifest", _data.Manifest, "--strategy", "usb", "--out", dir);
        Assert.Equal(0, code);
        Assert.Contains("tshirt|green: 982", output);
        Assert.True(File.Exists(Path.Combine(dir, "generation-plan.jsonl")));
        Assert.Contains("a photo of a tshirt on a green background", File.ReadAllText(Path.Combine(dir, "generation-plan.csv")));
    }
}
