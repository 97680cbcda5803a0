using System.Globalization;
using System.Text.Json;
using Ffr.MLNet.Images;

namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class CompareCommandTests
{
    private readonly CliData _data;

    public CompareCommandTests(CliData data) => _data = data;

    /// <summary>A copy of the small benchmark manifest (beside it, so its paths hold) without the rows <paramref name="drop"/> picks.</summary>
    private string ManifestWithout(string name, Func<string[], bool> drop)
    {
        string[] lines = File.ReadAllLines(_data.SmallManifest);
        string path = Path.Combine(_data.SmallFolder, name);
        File.WriteAllLines(path, lines.Take(1).Concat(lines.Skip(1).Where(l => !drop(l.Split(',')))));
        return path;
    }

    [Fact]
    public void Compare_TinyGrid_ReportTablesEqualTrainThenEvaluate_CellByCell()
    {
        string outDir = Path.Combine(_data.Folder, "compare");
        string Record(string status, int seconds) =>
            $"{{\"time\":\"2026-01-01T00:00:00+00:00\",\"file\":\"x.png\",\"label\":\"bag\",\"attribute\":\"red\",\"seed\":1,\"status\":\"{status}\",\"endpoint\":\"http://127.0.0.1:7860\",\"seconds\":{seconds},\"tries\":1,\"server\":{{}}}}";
        File.WriteAllLines(Path.Combine(_data.SmallFolder, "generation-log.jsonl"), new[] { Record("made", 3), Record("failed", 60), Record("made", 5) });
        string[] schedule = { "--epochs", "1", "--fine-tuning-epochs", "1" };
        var compare = Ffr.Run(new[] { "compare", "--manifest", _data.SmallManifest, "--strategies", "none,ffr", "--methods", "erm", "--seeds", "0", "--masks", "20", "--out", outDir }.Concat(schedule).ToArray());
        Assert.True(compare.Code == 0, compare.Error);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));

        foreach (string strategy in new[] { "none", "ffr" })
        {
            string model = Path.Combine(_data.Folder, "compare-by-hand", strategy + ".zip");
            var train = Ffr.Run(new[] { "train", "--manifest", _data.SmallManifest, "--strategy", strategy, "--method", "erm", "--seed", "0", "--model-out", model }.Concat(schedule).ToArray());
            Assert.True(train.Code == 0, train.Error);
            var table = Ffr.Run("evaluate", "--model", model, "--manifest", _data.SmallManifest);
            var json = Ffr.Run("evaluate", "--model", model, "--manifest", _data.SmallManifest, "--json");
            Assert.True(table.Code == 0 && json.Code == 0, table.Error + json.Error);

            string name = strategy == "none" ? "None-ERM" : "FFR-ERM";
            Assert.Contains($"### {name}\n\n```\n{table.Output.TrimEnd('\n', '\r')}\n```", report); // the whole subgroup table, intervals included
            using JsonDocument evaluation = JsonDocument.Parse(json.Output);
            string F(string property) => evaluation.RootElement.GetProperty(property).GetDouble().ToString("0.000", CultureInfo.InvariantCulture);
            Assert.Contains($"| {name} | {F("worstGroupAccuracy")} | [", report);
            Assert.Contains($"| {F("biasAlignedAccuracy")} | {F("biasConflictingAccuracy")} |", report);
        }

        Assert.Contains("## Recommendation (chosen on the validation split only)", report);
        Assert.Contains("with one seed, so the spread over seeds is unknown", report);
        string recommended = report.Split("## Recommendation (chosen on the validation split only)\n\n**")[1].Split("**")[0];
        Assert.Contains(recommended == "None-ERM" ? "| None-ERM (baseline, recommended) |" : $"| None-ERM (baseline) |", report);
        foreach (string chart in new[] { "bias.png", "rise.png", "worst-group.png", "subgroup-accuracy.png", "FFR-ERM-seed0-training.png" })
        {
            Assert.True(File.Exists(Path.Combine(outDir, "charts", chart)), chart);
        }

        RgbImage rise = RgbImage.Load(Path.Combine(outDir, "charts", "rise.png"));
        Assert.Equal(12 + (recommended == "None-ERM" ? 2 : 3) * (200 + 12), rise.Width); // the image, None-ERM, and the recommended model when it is another
        string cost = report[report.IndexOf("## Cost", StringComparison.Ordinal)..];
        Assert.Contains("The generation log records 2 images made in 0.1 min (4.00 s per image)", cost);
        string ffrUsed = cost.Split("\n| FFR-ERM | ")[1].Split(" | ")[2];
        Assert.Contains($"| FFR-ERM | {cost.Split("\n| FFR-ERM | ")[1].Split(" | ")[0]} | {cost.Split("\n| FFR-ERM | ")[1].Split(" | ")[1]} | {ffrUsed} | 0 | {(long.Parse(ffrUsed, CultureInfo.InvariantCulture) * 4 / 60.0).ToString("0.00", CultureInfo.InvariantCulture)} |", cost);
        Assert.Contains("Gain per compute hour", cost);

        var again = Ffr.Run(new[] { "compare", "--manifest", _data.SmallManifest, "--strategies", "none,ffr", "--methods", "erm", "--masks", "20", "--out", outDir }.Concat(schedule).ToArray());
        Assert.True(again.Code == 0, again.Error);
        Assert.DoesNotContain("] None-ERM seed 0: test worst-group", again.Output); // resumed: nothing trained again
        Assert.Equal(report, File.ReadAllText(Path.Combine(outDir, "report.md")));
    }

    [Fact]
    public void Compare_NoPoolAndATimeBudget_SkipsPoolStrategiesAndStopsAfterTheFirstCell()
    {
        string manifest = ManifestWithout("no-pool.csv", f => f[3] == "synthetic");
        string outDir = Path.Combine(_data.Folder, "compare-budget");
        var run = Ffr.Run("compare", "--manifest", manifest, "--strategies", "none,usb,ffr", "--methods", "erm,groupdro", "--max-minutes", "0.001", "--epochs", "1", "--masks", "10", "--out", outDir);
        Assert.True(run.Code == 0, run.Error);
        Assert.Contains("USB: skipped, the manifest has no synthetic images (Source synthetic) for its budget; 'ffr plan' and 'ffr generate' make them.", run.Output);
        Assert.Contains("[1/2] None-ERM seed 0: test worst-group", run.Output);
        Assert.Contains("Stopped before 1 cell(s): the time budget of 0 min would be passed", run.Output);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("**Stopped early:**", report);
        Assert.Contains("1 cell(s) not run: None-GroupDRO.", report);
        Assert.Contains("- FFR: skipped, the manifest has no synthetic images", report);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length);
    }

    [Fact]
    public void Compare_ManifestWithoutValidation_FailsBeforeAnyTraining()
    {
        string outDir = Path.Combine(_data.Folder, "compare-no-val");
        var none = Ffr.Run("compare", "--manifest", ManifestWithout("no-val.csv", f => f[4] == "val"), "--out", outDir);
        Assert.Equal(1, none.Code);
        Assert.StartsWith($"ffr compare: The manifest '{Path.Combine(_data.SmallFolder, "no-val.csv")}' has no validation rows (Split val). compare keeps each model's epoch", none.Error);
        Assert.Contains("Nothing was trained.", none.Error);

        var one = Ffr.Run("compare", "--manifest", ManifestWithout("no-bag-red-val.csv", f => f[4] == "val" && f[1] == "bag" && f[2] == "red"), "--out", outDir);
        Assert.Equal(1, one.Code);
        Assert.Contains("has no validation rows of 1 subgroup(s): bag|red.", one.Error);
        Assert.False(File.Exists(Path.Combine(outDir, "results.csv")));

        var untrained = Ffr.Run("compare", "--manifest", ManifestWithout("no-train.csv", f => f[4] == "train"), "--out", outDir);
        Assert.Equal(2, untrained.Code);
        Assert.StartsWith("ffr compare: The manifest has no real training rows (Source real, Split train); there is nothing to compare.", untrained.Error);
    }

    [Theory]
    [InlineData("--strategies", ",", "ffr compare: --strategies selects nothing; give one or more of none, usb, asb, ffr.")]
    [InlineData("--methods", "erm,magic", "ffr compare: --methods 'magic' is not one of erm, resample, groupdro, dfr.")]
    [InlineData("--max-minutes", "0", "ffr compare: --max-minutes '0' is not a number above 0 and below 1000000.")]
    public void Compare_BadSelection_IsACommandLineMistake(string option, string value, string message)
    {
        var run = Ffr.Run("compare", "--manifest", _data.SmallManifest, option, value, "--out", Path.Combine(_data.Folder, "compare-bad"));
        Assert.Equal(2, run.Code);
        Assert.StartsWith(message, run.Error);
    }
}
