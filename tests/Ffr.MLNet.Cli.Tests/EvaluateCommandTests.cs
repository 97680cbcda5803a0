using System.Text.Json;

namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class EvaluateCommandTests
{
    private readonly CliData _data;

    public EvaluateCommandTests(CliData data) => _data = data;

    [Fact]
    public void Evaluate_Json_WorstGroupIsTheSmallestSubgroupAccuracy_BalancedTheirMean()
    {
        var evaluate = Ffr.Run("evaluate", "--model", _data.Model, "--manifest", _data.SmallManifest, "--json");
        Assert.True(evaluate.Code == 0, evaluate.Error);
        using JsonDocument json = JsonDocument.Parse(evaluate.Output);
        JsonElement root = json.RootElement;
        double worst = root.GetProperty("worstGroupAccuracy").GetDouble();
        double[] groups = root.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("accuracy").GetDouble()).ToArray();
        Assert.Equal(16, groups.Length);
        Assert.Equal(groups.Min(), worst, 12);
        Assert.Equal(groups.Average(), root.GetProperty("balancedAccuracy").GetDouble(), 12);
        Assert.All(root.GetProperty("groups").EnumerateArray(), g => Assert.Equal(5, g.GetProperty("count").GetInt32()));
        Assert.InRange(root.GetProperty("accuracy").GetDouble(), 0, 1);
    }

    [Theory]
    [InlineData(new[] { "evaluate", "--model", "/nowhere/model.zip", "--manifest", "m.csv" }, 2, "ffr evaluate: Model '/nowhere/model.zip' was not found.")]
    [InlineData(new[] { "evaluate", "--model", "/tmp", "--manifest", "m.csv" }, 2, "ffr evaluate: Model '/tmp' is a folder, not a file.")]
    public void UserErrors_OneMessageAndExitCode_NoStackTrace(string[] args, int code, string message) => Ffr.AssertFails(args, code, message);
}
