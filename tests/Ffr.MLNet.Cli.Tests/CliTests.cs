using System.Text.Json;
using Ffr.MLNet.Cli;
using Ffr.MLNet.Datasets;

namespace Ffr.MLNet.Cli.Tests;

/// <summary>Small benchmark data written once, shared by the command tests.</summary>
public sealed class CliData : IDisposable
{
    public CliData()
    {
        Folder = Directory.CreateTempSubdirectory("ffr-cli-").FullName;
        var (code, output, error) = Ffr.Run("benchmark-data", "--out", Path.Combine(Folder, "data"), "--bias-rate", "0.95", "--seed", "2");
        Assert.True(code == 0, error);
        Assert.StartsWith("Wrote 4212 training, 320 validation, 800 test and 16000 synthetic images", output);
        Manifest = Path.Combine(Folder, "data", "manifest.csv");

        // A smaller manifest for training: 60 bias-aligned images per class.
        SmallFolder = Path.Combine(Folder, "small");
        var data = BenchmarkDataset.Create(new BenchmarkDatasetOptions
        {
            MajorityPerClass = 60, BiasRate = 0.95, ValidationPerSubgroup = 4, TestPerSubgroup = 5, SyntheticPerSubgroup = 60, Seed = 3,
        });
        SmallManifest = data.WriteTo(SmallFolder);
        _model = new Lazy<string>(() =>
        {
            string model = Path.Combine(Folder, "trained", "model.zip");
            var train = Ffr.Run("train", "--manifest", SmallManifest, "--strategy", "none", "--model-out", model, "--epochs", "1", "--checkpoint-dir", CheckpointFolder);
            Assert.True(train.Code == 0, train.Error);
            return model;
        });
    }

    private readonly Lazy<string> _model;

    /// <summary>A small model (None-ERM, one epoch) trained on <see cref="SmallManifest"/> once, for the tests that read a model.</summary>
    public string Model => _model.Value;

    /// <summary>The checkpoint folder of that training (<c>train --strategy none --epochs 1 --checkpoint-dir</c>).</summary>
    public string CheckpointFolder => Path.Combine(Folder, "trained", "checkpoints");

    public string Folder { get; }

    public string Manifest { get; }

    public string SmallFolder { get; }

    public string SmallManifest { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliCollection : ICollectionFixture<CliData>
{
    public const string Name = "ffr command line";
}

internal static class Ffr
{
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, new CliContext(output, error, Interactive: false, CancellationToken.None));
        return (code, output.ToString(), error.ToString());
    }
}

[Collection(CliCollection.Name)]
public sealed class CliTests
{
    private readonly CliData _data;

    public CliTests(CliData data) => _data = data;

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
    public void Plan_WritesPromptsForTheStrategy()
    {
        string dir = Path.Combine(_data.Folder, "plan");
        var (code, output, _) = Ffr.Run("plan", "--manifest", _data.Manifest, "--strategy", "usb", "--out", dir);
        Assert.Equal(0, code);
        Assert.Contains("tshirt|green: 982", output);
        Assert.True(File.Exists(Path.Combine(dir, "generation-plan.jsonl")));
        Assert.Contains("a photo of a tshirt on a green background", File.ReadAllText(Path.Combine(dir, "generation-plan.csv")));
    }

    [Fact]
    public void TrainEvaluateExport_RoundTrip()
    {
        string model = Path.Combine(_data.Folder, "out", "model.zip");
        var train = Ffr.Run("train", "--manifest", _data.SmallManifest, "--strategy", "ffr", "--method", "groupdro", "--model-out", model, "--epochs", "1", "--fine-tuning-epochs", "1", "--seed", "1");
        Assert.True(train.Code == 0, train.Error);
        Assert.Contains("fine-tuning epoch 1/1: loss", train.Output);
        Assert.True(File.Exists(model));
        using (JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".summary.json"))))
        {
            Assert.Equal(2, summary.RootElement.GetProperty("phases").GetArrayLength());
        }

        var evaluate = Ffr.Run("evaluate", "--model", model, "--manifest", _data.SmallManifest, "--json");
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

        string overlays = Path.Combine(_data.Folder, "out", "rise");
        string image = Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "red")).First();
        var explain = Ffr.Run("explain", "--model", model, "--image", image, "--out", overlays, "--masks", "200");
        Assert.True(explain.Code == 0, explain.Error);
        string stem = Path.GetFileNameWithoutExtension(image);
        Assert.Equal(new[] { "bag", "sneaker", "trouser", "tshirt" }.Select(l => $"{stem}.{l}.png"), Directory.GetFiles(overlays, "*.png").Select(Path.GetFileName).Order());
        Assert.Matches("predicted (bag|sneaker|trouser|tshirt) \\(p = ", explain.Output);

        // Two images with one file name (from two folders): no overlay overwrites another.
        string twin = Path.Combine(_data.Folder, "out", "twin", Path.GetFileName(image));
        Directory.CreateDirectory(Path.GetDirectoryName(twin)!);
        File.Copy(Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "blue")).First(), twin, overwrite: true);
        string both = Path.Combine(_data.Folder, "out", "rise-twins");
        Assert.Equal(0, Ffr.Run("explain", "--model", model, "--image", image, twin, "--out", both, "--masks", "50").Code);
        Assert.Equal(8, Directory.GetFiles(both, "*.png").Length);
        Assert.True(File.Exists(Path.Combine(both, $"{stem}-2.bag.png")));

        string onnx = Path.Combine(_data.Folder, "out", "model.onnx");
        var export = Ffr.Run("export", "--model", model, "--onnx", onnx);
        Assert.True(export.Code == 0, export.Error);
        Assert.True(new FileInfo(onnx).Length > 10_000);
    }

    [Fact]
    public void DemoAndReproduce_OnSmallData_WriteReportsAndResume()
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

        string page = Path.Combine(_data.Folder, "docs", "results.md");
        Directory.CreateDirectory(Path.GetDirectoryName(page)!);
        File.WriteAllText(page, "# Results\n\nOur reading.\n");
        var results = Ffr.Run("results", "--csv", Path.Combine(grid, "results.csv"), "--page", page);
        Assert.True(results.Code == 0, results.Error);
        string written = File.ReadAllText(page);
        Assert.StartsWith("# Results\n\nOur reading.\n\n<!-- Generated by 'ffr results'", written);
        Assert.Contains("](results/worst-group-r0.95-s3.png)", written);
        Assert.True(File.Exists(Path.Combine(_data.Folder, "docs", "results", "worst-group-r0.95-s3.png")));

        var twice = Ffr.Run("results", "--csv", Path.Combine(grid, "results.csv"), Path.Combine(grid, "results.csv"), "--page", page);
        Assert.Equal(2, twice.Code);
        Assert.StartsWith("ffr results: Cell None-ERM (bias rate 0.95, severity 3, seed 0) is in both", twice.Error);
        Assert.Equal(written, File.ReadAllText(page)); // nothing overwritten
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, 2, "ffr: unknown command 'frobnicate'.")]
    [InlineData(new[] { "train", "--manifest" }, 2, "ffr train: Option '--manifest' needs a value.")]
    [InlineData(new[] { "analyze" }, 2, "ffr analyze: 'ffr analyze' needs --manifest: The manifest CSV.")]
    [InlineData(new[] { "analyze", "--manifest", "/nowhere/m.csv" }, 2, "ffr analyze: Manifest '/nowhere/m.csv' was not found.")]
    [InlineData(new[] { "analyze", "--manifest", "x.csv", "--colour", "red" }, 2, "ffr analyze: Unknown option '--colour' for 'ffr analyze'.")]
    [InlineData(new[] { "evaluate", "--model", "/nowhere/model.zip", "--manifest", "m.csv" }, 2, "ffr evaluate: Model '/nowhere/model.zip' was not found.")]
    [InlineData(new[] { "export", "--model", "/nowhere/model.zip", "--onnx", "/tmp/ffr-x.onnx" }, 2, "ffr export: Model '/nowhere/model.zip' was not found.")]
    [InlineData(new[] { "evaluate", "--model", "/tmp", "--manifest", "m.csv" }, 2, "ffr evaluate: Model '/tmp' is a folder, not a file.")]
    [InlineData(new[] { "analyze", "--manifest", "/tmp" }, 2, "ffr analyze: Manifest '/tmp' is a folder, not a file.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--bias-rate", "abc" }, 2, "ffr benchmark-data: --bias-rate 'abc' is not a number above 0.5 and below 1.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--bias-rate", "1.5" }, 2, "ffr benchmark-data: --bias-rate '1.5' is not a number above 0.5 and below 1.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--seed", "2147483648" }, 2, "ffr benchmark-data: --seed '2147483648' is not a whole number from -2147483648 to 2147483647.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--seed", "1", "--seed", "2" }, 2, "ffr benchmark-data: Option '--seed' is given more than once; give it once.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--image-size", "100000" }, 2, "ffr train: --image-size '100000' is not a whole number from 8 to 1024.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--image-size", "0" }, 2, "ffr train: --image-size '0' is not a whole number from 8 to 1024.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--epochs", "0" }, 2, "ffr train: --epochs '0' is not a whole number from 1 to 10000.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp/m.zip", "--strategy", "usb", "--images-per-subgroup", "5" }, 2, "ffr train: --images-per-subgroup applies to --strategy asb and ffr only; usb tops every subgroup up to the largest.")]
    [InlineData(new[] { "train", "--manifest", "m.csv", "--model-out", "/tmp" }, 2, "ffr train: --model-out '/tmp' cannot be written: '/tmp' is a folder; give the path of a file to write. Choose another path.")]
    [InlineData(new[] { "results", "--csv", "/nowhere/results.csv", "--page", "/tmp/ffr-x.md" }, 2, "ffr results: Results file '/nowhere/results.csv' was not found.")]
    public void UserErrors_OneMessageAndExitCode_NoStackTrace(string[] args, int code, string message)
    {
        var (exit, _, error) = Ffr.Run(args);
        Assert.Equal(code, exit);
        Assert.StartsWith(message, error);
        Assert.DoesNotContain("   at ", error);
    }

    [Fact]
    public void Train_BadStrategy_ListsTheChoices()
    {
        var (exit, _, error) = Ffr.Run("train", "--manifest", _data.SmallManifest, "--model-out", "x.zip", "--strategy", "magic");
        Assert.Equal(2, exit);
        Assert.Equal("ffr train: --strategy 'magic' is not one of none, usb, asb, ffr." + Environment.NewLine, error);
    }

    [Fact]
    public void Help_EveryCommandHasIt()
    {
        foreach (string command in new[] { "import", "analyze", "plan", "train", "evaluate", "export", "explain", "benchmark-data", "compare", "demo", "reproduce", "results" })
        {
            var (exit, output, _) = Ffr.Run(command, "--help");
            Assert.Equal(0, exit);
            Assert.StartsWith($"ffr {command}: ", output);
            Assert.Contains("--help", output);
        }

        Assert.Contains("Commands:", Ffr.Run("--help").Output);
    }

    [Fact]
    public void Version_PrintsThePackageVersion()
    {
        var (exit, output, _) = Ffr.Run("--version");
        Assert.Equal(0, exit);
        // The package version (VersionPrefix in Directory.Build.props, plus any VersionSuffix), without the commit after '+'.
        string informational = typeof(CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(informational.Split('+')[0], output.Trim());
        Assert.StartsWith(typeof(CliApp).Assembly.GetName().Version!.ToString(3), output.Trim());
        Assert.DoesNotContain("+", output);
    }
}
