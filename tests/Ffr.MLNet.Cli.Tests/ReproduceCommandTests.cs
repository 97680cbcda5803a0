namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ReproduceCommandTests
{
    private readonly CliData _data;

    public ReproduceCommandTests(CliData data) => _data = data;

    [Fact]
    public void Reproduce_OnSmallData_WritesResults_AndResumes()
    {
        string grid = Path.Combine(_data.Folder, "grid");
        string[] args = { "reproduce", "--out", grid, "--bias-rates", "0.95", "--seeds", "0", "--strategies", "none,ffr", "--methods", "erm", "--majority-per-class", "40", "--epochs", "1", "--fine-tuning-epochs", "1" };
        var first = Ffr.Run(args);
        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("| FFR-ERM |", File.ReadAllText(Path.Combine(grid, "results.md")));
        var second = Ffr.Run(args);
        Assert.Equal(0, second.Code);
        Assert.DoesNotContain("test worst-group", second.Output); // every cell was already done
        Assert.Equal(3, File.ReadAllLines(Path.Combine(grid, "results.csv")).Length);
        Assert.True(File.Exists(Path.Combine(grid, "worst-group-r0.95-s3.png")));
    }
}
