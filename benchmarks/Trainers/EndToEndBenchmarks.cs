using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Datasets;

namespace Ffr.MLNet.Benchmarks.Trainers;

/// <summary>
/// A whole <c>ffr train --strategy ffr --method groupdro</c> run on the benchmark dataset (bias rate 0.99), as a user
/// runs it (process start, manifest checks, both phases with validation and model selection, ONNX export, the model
/// zip and summary written), against the same work in plain PyTorch: the reference script named by the environment
/// variable <c>FFR_REFERENCE_SCRIPT</c> (run with <c>/usr/bin/python3</c>, Debian's python3-torch, python3-numpy,
/// python3-pil and python3-torchvision). Both are child processes; the time is the process's wall time, the memory
/// column its peak resident set (VmHWM, read every 20 ms until it exits). Without the variable only <c>ffr</c> runs.
/// The small CNN runs 4 + 2 epochs, ResNet-18 2 + 1 (the smoke run: 1 + 1 on a small dataset).
/// The two runners take turns: each case is one run, and BenchmarkDotNet runs the cases with the last parameter varying
/// fastest (Network, then Round, then Runner: [Params] first, then [ParamsSource] in declaration order), so round 1
/// runs ffr then PyTorch, then round 2 does, and so on. A machine whose
/// speed drifts over minutes (a shared host) then slows both runners of a round alike, where three runs of one
/// followed by three of the other would put the drift into the ratio.
/// The <c>ffr</c> binary is the repository's CLI built in the same configuration (<c>dotnet build -c Release src/Cli</c>), or <c>FFR_CLI</c>.
/// </summary>
[InProcessJob(RunStrategy.Monitoring, warmupCount: 0, iterationCount: 1)]
[Config(typeof(Columns))]
public class EndToEndBenchmarks
{
    private const string ReferenceVariable = "FFR_REFERENCE_SCRIPT";

    private static string? _dataFolder;
    private string _outFolder = null!;

    /// <summary>Which turn: three rounds of both runners (one in a smoke run).</summary>
    [ParamsSource(nameof(Rounds))]
    public int Round { get; set; } = 1;

    /// <summary>Who runs the training: <c>ffr</c>, or <c>pytorch</c> (the reference) when <c>FFR_REFERENCE_SCRIPT</c> is set.</summary>
    [ParamsSource(nameof(Runners))]
    public string Runner { get; set; } = "ffr";

    /// <summary>The network: the default small CNN (width 16), or ResNet-18 from scratch.</summary>
    [Params("smallcnn", "resnet18")]
    public string Network { get; set; } = "smallcnn";

    public static IEnumerable<int> Rounds() => Smoke.Pick(new[] { 1, 2, 3 }, new[] { 1 });

    public static IEnumerable<string> Runners() => Environment.GetEnvironmentVariable(ReferenceVariable) is { Length: > 0 } ? new[] { "ffr", "pytorch" } : new[] { "ffr" };

    [GlobalSetup]
    public void Setup()
    {
        // One dataset for every case (the same files for both runners).
        _dataFolder ??= WriteDataset();
        _outFolder = Directory.CreateTempSubdirectory("ffr-end-to-end-out-").FullName;
    }

    [Benchmark]
    public void FfrGroupDroRun()
    {
        string manifest = Path.Combine(_dataFolder!, "manifest.csv");
        (int epochs, int fineTuning) = Network == "smallcnn" ? Smoke.Pick((4, 2), (1, 1)) : Smoke.Pick((2, 1), (1, 1));
        string e = epochs.ToString(CultureInfo.InvariantCulture);
        string f = fineTuning.ToString(CultureInfo.InvariantCulture);
        ProcessStartInfo start = Runner == "ffr"
            ? Cli("train", "--manifest", manifest, "--strategy", "ffr", "--method", "groupdro", "--architecture", Network, "--epochs", e, "--fine-tuning-epochs", f,
                "--model-out", Path.Combine(_outFolder, "model.zip"))
            : Start("/usr/bin/python3", Environment.GetEnvironmentVariable(ReferenceVariable)!, manifest, "ffr", "groupdro", "--arch", Network == "smallcnn" ? "project" : "resnet18",
                "--epochs", e, "--ft-epochs", f);
        PeakMemoryColumn.Record(PeakMemoryColumn.Key(nameof(FfrGroupDroRun), $"Network={Network},Round={Round},Runner={Runner}"), Run(start));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_outFolder, recursive: true);

    private static string WriteDataset()
    {
        string folder = Directory.CreateTempSubdirectory("ffr-end-to-end-data-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        var options = new BenchmarkDatasetOptions(); // the defaults: bias rate 0.99, the benchmark's sizes
        if (Smoke.Enabled)
        {
            options.MajorityPerClass = 100;
            options.ValidationPerSubgroup = options.TestPerSubgroup = 2;
        }

        BenchmarkDataset data = BenchmarkDataset.Create(options);
        data.WriteTo(folder);
        return folder;
    }

    /// <summary>The ffr CLI: <c>FFR_CLI</c>, or the one built with this build's configuration in the repository this runs from.</summary>
    private static ProcessStartInfo Cli(params string[] arguments)
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        string? cli = Environment.GetEnvironmentVariable("FFR_CLI");
        if (cli is null)
        {
            DirectoryInfo? root = new(AppContext.BaseDirectory);
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Ffr.MLNet.sln")))
            {
                root = root.Parent;
            }

            cli = Path.Combine(root?.FullName ?? ".", "src", "Cli", "bin", configuration, "net10.0", "ffr.dll");
        }

        if (!File.Exists(cli))
        {
            throw new FileNotFoundException($"The ffr CLI is not at {cli}. Build it first (dotnet build -c {configuration} src/Cli), or set FFR_CLI to its ffr.dll.", cli);
        }

        return cli.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? Start("dotnet", new[] { cli }.Concat(arguments).ToArray()) : Start(cli, arguments);
    }

    private static ProcessStartInfo Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Runs the process to its end; returns its peak resident memory. A failure throws with its output.</summary>
    private static long Run(ProcessStartInfo start)
    {
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            peak = Math.Max(peak, PeakMemoryColumn.PeakOf(process.Id.ToString(CultureInfo.InvariantCulture)) ?? 0); // the last reading before the exit stands
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{output.Result}\n{error.Result}");
        }

        return peak;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new PeakMemoryColumn());
    }
}
