using System.Text.Json;
using Ffr.MLNet.Images;

namespace Ffr.MLNet.Cli.Tests.Failures;

/// <summary>Inputs that were once accepted without a word: each is now refused with a reason, or accepted with a warning, in the tool's terms.</summary>
[Collection(CliCollection.Name)]
public sealed class SilentInputTests
{
    private readonly CliData _data;

    public SilentInputTests(CliData data) => _data = data;

    /// <summary>A variant of the small manifest beside it (so that its relative paths still resolve), its rows changed by <paramref name="edit"/>.</summary>
    private string Variant(string name, Func<List<string[]>, IEnumerable<string[]>> edit)
    {
        string[] lines = File.ReadAllLines(_data.SmallManifest);
        List<string[]> rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        string path = Path.Combine(_data.SmallFolder, name + ".csv");
        File.WriteAllLines(path, edit(rows).Select(r => string.Join(',', r)).Prepend(lines[0]));
        return path;
    }

    private static bool Is(string[] row, string label, string attribute, string source, string split) =>
        row[1] == label && row[2] == attribute && row[3] == source && row[4] == split;

    [Fact]
    public void Train_GrayscaleImageAndEmptySubgroup_WarnsInCliTerms_AndTheSummaryKeepsTheWarnings()
    {
        string gray = Path.Combine(_data.SmallFolder, "gray", "g.png");
        Directory.CreateDirectory(Path.GetDirectoryName(gray)!);
        new RgbImage(32, 32, Enumerable.Repeat((byte)120, 32 * 32 * 3).ToArray()).SavePng(gray);
        string manifest = Variant("gray-empty", rows =>
        {
            List<string[]> kept = rows.Where(r => !Is(r, "bag", "red", "real", "train")).ToList();
            kept[0][0] = "gray/g.png";
            return kept;
        });
        string model = Path.Combine(_data.Folder, "silent", "gray.zip");

        var (code, _, error) = Ffr.Run("train", "--manifest", manifest, "--strategy", "none", "--epochs", "1", "--model-out", model);
        Assert.True(code == 0, error);
        Assert.Contains("Warning: 1 grayscale image(s) among RGB ones were kept: 'gray/g.png' (line 2). Pass --filter-grayscale to leave them out.", error);
        Assert.Contains("Warning: 1 subgroup(s) have no real training images: bag|red. ERM, Resample and GroupDRO learn nothing about them", error);
        using (JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".summary.json"))))
        {
            string[] warnings = summary.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetString()!).ToArray();
            Assert.Contains(warnings, w => w.StartsWith("1 grayscale image(s) among RGB ones were kept", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.StartsWith("1 subgroup(s) have no real training images: bag|red.", StringComparison.Ordinal));
        }

        var filtered = Ffr.Run("analyze", "--manifest", manifest, "--filter-grayscale");
        Assert.Equal(1, filtered.Code);
        Assert.Contains("line 2: 'gray/g.png' is grayscale among RGB images.", filtered.Error);
        Assert.EndsWith("Fix them, or pass --skip-invalid-rows to leave them out (each one is listed as it is now)." + Environment.NewLine, filtered.Error);

        var skipped = Ffr.Run("analyze", "--manifest", manifest, "--filter-grayscale", "--skip-invalid-rows");
        Assert.True(skipped.Code == 0, skipped.Error);
        Assert.Contains("1 invalid row(s) of manifest", skipped.Error);
        Assert.Contains("were left out (--skip-invalid-rows):", skipped.Error);
    }

    [Fact]
    public void Evaluate_LabelTheModelNeverSaw_NamesItWithItsLines_AClassTheModelLacksIsAWarning()
    {
        string unknownInTest = Variant("hat-test", rows =>
        {
            foreach (string[] r in rows.Where(r => r[4] == "test").Take(2))
            {
                r[1] = "hat";
            }

            return rows;
        });
        int[] lines = File.ReadAllLines(unknownInTest).Select((l, i) => (l, i + 1)).Where(p => p.l.Contains(",hat,", StringComparison.Ordinal)).Select(p => p.Item2).ToArray();
        var refused = Ffr.Run("evaluate", "--model", _data.Model, "--manifest", unknownInTest);
        Assert.Equal(1, refused.Code);
        Assert.StartsWith($"ffr evaluate: The test split has label(s) the model was not trained on: 'hat' (2 row(s), manifest line(s) {lines[0]}, {lines[1]}). The model knows ", refused.Error);

        string extraClass = Variant("hat-train", rows =>
        {
            foreach (string[] r in rows.Where(r => r[3] == "real" && r[4] == "train").Take(3))
            {
                r[1] = "hat";
            }

            return rows;
        });
        var warned = Ffr.Run("evaluate", "--model", _data.Model, "--manifest", extraClass);
        Assert.True(warned.Code == 0, warned.Error);
        Assert.Contains("Warning: the model knows 4 class(es) (", warned.Error);
        Assert.Contains("the manifest's training rows also have 'hat'. Was it trained on another manifest?", warned.Error);
    }

    [Fact]
    public void ShortPool_AnalyzeShowsItAsTrainWouldFindIt_TrainSaysWhichOptionsFixIt()
    {
        string manifest = Variant("short-pool", rows => rows.Where(r => !Is(r, "bag", "red", "synthetic", "train")));

        var analyze = Ffr.Run("analyze", "--manifest", manifest);
        Assert.True(analyze.Code == 0, analyze.Error);
        Assert.Contains("The synthetic pool is short for ffr in 1 subgroup(s): bag|red: ", analyze.Output);
        Assert.Contains("pass --allow-shortfall to train with what the pool holds.", analyze.Output);
        Assert.Contains("The synthetic pool covers this budget.", Ffr.Run("analyze", "--manifest", _data.SmallManifest).Output);

        var json = Ffr.Run("analyze", "--manifest", manifest, "--json");
        using (JsonDocument document = JsonDocument.Parse(json.Output))
        {
            JsonElement root = document.RootElement;
            Assert.Equal(0, root.GetProperty("available").GetProperty("bag|red").GetInt32());
            Assert.Equal(60, root.GetProperty("available").GetProperty("bag|blue").GetInt32());
            Assert.True(root.GetProperty("shortfall").GetProperty("ffr").GetProperty("bag|red").GetInt32() > 0);
        }

        string model = Path.Combine(_data.Folder, "silent", "short.zip");
        var refused = Ffr.Run("train", "--manifest", manifest, "--strategy", "ffr", "--epochs", "1", "--fine-tuning-epochs", "1", "--model-out", model);
        Assert.Equal(1, refused.Code);
        Assert.StartsWith("ffr train: The synthetic pool is short for ffr in 1 subgroup(s): bag|red: ", refused.Error);
        Assert.Contains("lower --images-per-subgroup, or pass --allow-shortfall", refused.Error);
        Assert.False(File.Exists(model));

        var allowed = Ffr.Run("train", "--manifest", manifest, "--strategy", "ffr", "--epochs", "1", "--fine-tuning-epochs", "1", "--model-out", model, "--allow-shortfall");
        Assert.True(allowed.Code == 0, allowed.Error);
        Assert.Contains("Warning: Subgroup bag|red: the pool holds 0 synthetic images", allowed.Error);
    }
}
