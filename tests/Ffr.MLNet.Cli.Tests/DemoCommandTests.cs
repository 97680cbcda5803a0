namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class DemoCommandTests
{
    private readonly CliData _data;

    public DemoCommandTests(CliData data) => _data = data;

    [Fact]
    public void Demo_OnSmallData_WritesTheReportModelsAndCharts()
    {
        string demo = Path.Combine(_data.Folder, "demo");
        var run = Ffr.Run("demo", "--out", demo, "--majority-per-class", "40", "--epochs", "1", "--fine-tuning-epochs", "1");
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("| FFR-GroupDRO |", run.Output);
        Assert.Contains("| Strategy-method | Worst-group accuracy | 95% interval | Balanced accuracy | Accuracy | Validation worst-group |", run.Output);
        Assert.True(File.Exists(Path.Combine(demo, "report.md")));
        Assert.True(File.Exists(Path.Combine(demo, "models", "FFR-ERM-seed0.zip")));
        Assert.True(File.Exists(Path.Combine(demo, "charts", "subgroup-accuracy.png")));
        Assert.True(File.Exists(Path.Combine(demo, "charts", "FFR-GroupDRO-seed0-training.png")));
        Assert.Contains("![Test accuracy by subgroup](charts/subgroup-accuracy.png)", File.ReadAllText(Path.Combine(demo, "report.md")));
    }
}
