using Ffr.MLNet.Cli;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli.Tests;

/// <summary>
/// The tool's command line as a whole (System.CommandLine): usage, --version, --help with defaults, --name=value,
/// short aliases, response files, shell completion, and the mistakes it answers with exit code 2.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class CommandLineTests
{
    private static readonly string[] Commands = { "import", "analyze", "plan", "generate", "train", "evaluate", "export", "explain", "benchmark-data", "compare", "demo", "reproduce", "results" };

    /// <summary>The value options that have no default: leaving them out means "none" (no pool, no chart, no checkpoints, ...).</summary>
    private static readonly string[] WithoutDefault =
        { "--synthetic", "--checkpoint-dir", "--initial-weights", "--chart", "--max-minutes", "--workflow", "--model", "--max-images", "--root", "--csv", "--split-column" };

    private readonly CliData _data;

    public CommandLineTests(CliData data) => _data = data;

    [Fact]
    public void Help_EveryCommandHasIt()
    {
        foreach (string command in Commands)
        {
            var (exit, output, _) = Ffr.Run(command, "--help");
            Assert.Equal(0, exit);
            Assert.StartsWith($"ffr {command}: ", output);
            Assert.Contains("--help", output);
        }

        Assert.Contains("Commands:", Ffr.Run("--help").Output);
    }

    [Fact]
    public void Help_ShowsTheDefaultOfEveryOptionThatHasOne()
    {
        foreach (string command in Commands)
        {
            string[] options = Ffr.Run(command, "--help").Output.Split(Environment.NewLine).Where(l => l.StartsWith("  -", StringComparison.Ordinal) && l.Contains(" <value>")).ToArray();
            Assert.NotEmpty(options);
            foreach (string line in options.Where(l => !l.Contains("(required)") && !WithoutDefault.Any(o => l.Contains($" {o} <value>") || l.StartsWith($"  {o} <value>", StringComparison.Ordinal))))
            {
                Assert.Contains(" (default: ", line);
            }
        }

        string train = Ffr.Run("train", "--help").Output;
        Assert.Contains($"  --epochs <value>                Epochs of pretraining and of training (None/USB/ASB). (default: {FfrTrainerDefaults.Epochs})", train);
        Assert.Contains("  -s, --strategy <value>          none, usb, asb or ffr. (default: ffr)", train);
        Assert.Contains("  -m, --manifest <value>          The manifest CSV (train, val and synthetic rows). (required)", train);
        Assert.Contains("Adam's learning rate for FFR's fine-tuning. (default: 3E-05)", train);
        Assert.Contains("(default: 32)", Line(train, "--image-size"));
        Assert.Contains("(default: smallcnn)", Line(train, "--architecture"));
        Assert.Contains("(default: none,usb,asb,ffr)", Line(Ffr.Run("compare", "--help").Output, "--strategies"));
        Assert.Contains("(default: 0.95,0.99,0.999)", Line(Ffr.Run("reproduce", "--help").Output, "--bias-rates"));
    }

    [Fact]
    public void Help_AnywhereOnTheLine_StartsNoWork()
    {
        string model = Path.Combine(_data.Folder, "help", "model.zip");
        foreach (string[] args in new[]
        {
            new[] { "train", "--manifest", _data.SmallManifest, "--model-out", model, "--epochs", "1", "--help" },
            new[] { "train", "-h", "--manifest", _data.SmallManifest, "--model-out", model },
            new[] { "train", "--help", "--epochs", "zero" }, // a mistake after --help: help all the same
        })
        {
            var (exit, output, error) = Ffr.Run(args);
            Assert.Equal(0, exit);
            Assert.StartsWith("ffr train: Train with a strategy and method", output);
            Assert.Equal(string.Empty, error);
        }

        Assert.False(Directory.Exists(Path.GetDirectoryName(model)));
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

    [Fact]
    public void NameEqualsValue_ShortAliases_AndResponseFile_ReadAsTheLongForm()
    {
        string Plan(string name, Func<string, string[]> args)
        {
            string dir = Path.Combine(_data.Folder, "forms", name);
            var (code, output, error) = Ffr.Run(args(dir));
            Assert.True(code == 0, error);
            Assert.True(File.Exists(Path.Combine(dir, "generation-plan.jsonl")));
            return output.Replace(dir, "DIR", StringComparison.Ordinal);
        }

        string longForm = Plan("long", d => new[] { "plan", "--manifest", _data.SmallManifest, "--strategy", "usb", "--out", d, "--seed", "3" });
        Assert.Contains("images to generate for Usb:", longForm);
        Assert.Equal(longForm, Plan("equals", d => new[] { "plan", $"--manifest={_data.SmallManifest}", "--strategy=usb", $"--out={d}", "--seed=3" }));
        Assert.Equal(longForm, Plan("aliases", d => new[] { "plan", "-m", _data.SmallManifest, "-s", "usb", "-o", d, "--seed", "3" }));

        string responseFile = Path.Combine(_data.Folder, "forms", "plan.rsp");
        Directory.CreateDirectory(Path.GetDirectoryName(responseFile)!);
        Assert.Equal(longForm, Plan("response", d =>
        {
            File.WriteAllText(responseFile, $"# the pilot's plan\n--manifest \"{_data.SmallManifest}\"\n--strategy usb\n--out \"{d}\"\n");
            return new[] { "plan", $"@{responseFile}", "--seed", "3" };
        }));
    }

    [Fact]
    public void Suggest_CompletesNamedValues_InTheToolsSpelling()
    {
        static string[] Suggest(string line)
        {
            var (code, output, error) = Ffr.Run($"[suggest:{line.Length}]", line);
            Assert.True(code == 0, error);
            return output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        }

        Assert.Equal(new[] { "asb", "ffr", "none", "usb" }, Suggest("ffr train --strategy "));
        Assert.Equal(new[] { "dfr", "erm", "groupdro", "resample" }, Suggest("ffr compare --methods "));
        Assert.Equal(new[] { "resnet18", "resnet18-imagenet", "resnet34", "resnet50" }, Suggest("ffr train --architecture res"));
        Assert.Equal(new[] { "cpu", "cuda", "cuda:0" }, Suggest("ffr train --device "));
        Assert.Equal(new[] { "train" }, Suggest("ffr tra"));
    }

    [Theory]
    [InlineData(new[] { "frobnicate" }, 2, "ffr: unknown command 'frobnicate'.")]
    [InlineData(new[] { "train", "-m", "m.csv", "-o", "x.zip", "--method=magic" }, 2, "ffr train: --method 'magic' is not one of erm, resample, groupdro, dfr.")]
    [InlineData(new[] { "train", "-m", "m.csv", "-o", "x.zip", "--epochs=many" }, 2, "ffr train: --epochs 'many' is not a whole number from 1 to 10000.")]
    [InlineData(new[] { "train", "-m", "m.csv", "-o", "x.zip", "--freeze", "head" }, 2, "ffr train: --freeze 'head' is not one of none, backbone, all-but-last-stage.")]
    [InlineData(new[] { "train", "-m", "m.csv", "-o", "x.zip", "--colour=red" }, 2, "ffr train: Unknown option '--colour' for 'ffr train'. See 'ffr train --help'.")]
    [InlineData(new[] { "train", "-m", "m.csv", "-x", "-o", "x.zip" }, 2, "ffr train: Unknown option '-x' for 'ffr train'.")]
    [InlineData(new[] { "train", "-m", "m.csv", "x.zip" }, 2, "ffr train: Unexpected argument 'x.zip' for 'ffr train'.")]
    [InlineData(new[] { "train", "-m", "m.csv", "-o" }, 2, "ffr train: Option '--model-out' needs a value.")]
    [InlineData(new[] { "train", "-m", "m.csv" }, 2, "ffr train: 'ffr train' needs --model-out: The model zip to write")]
    [InlineData(new[] { "plan", "@/nowhere/plan.rsp" }, 2, "ffr plan: Response file '/nowhere/plan.rsp' was not found. Write the command's arguments into it")]
    [InlineData(new[] { "plan", "@/tmp" }, 2, "ffr plan: Response file '/tmp' is a folder, not a file.")]
    public void Mistakes_Exit2_NamingTheOptionAndTheFix(string[] args, int code, string message) => Ffr.AssertFails(args, code, message);

    /// <summary>The help line of <paramref name="option"/>.</summary>
    private static string Line(string help, string option) => help.Split(Environment.NewLine).Single(l => l.Contains($"{option} <value>", StringComparison.Ordinal));
}
