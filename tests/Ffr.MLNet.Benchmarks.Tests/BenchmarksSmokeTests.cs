using System.Text.RegularExpressions;

namespace Ffr.MLNet.Benchmarks.Tests;

/// <summary>
/// Runs every benchmark once in the benchmarks' short mode (--smoke), in a child process as a user
/// would, so that a benchmark that no longer runs fails the tests. It checks that they run, not how fast.
/// </summary>
public sealed class BenchmarksSmokeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-bench-smoke-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (int Code, string Output) Run(string filter)
    {
        (int code, string output, string error) = ChildProcess.Run("Ffr.MLNet.Benchmarks.dll", new[] { "--smoke", "--filter", filter, "--artifacts", Path.Combine(_dir, "artifacts") }, _dir);
        return (code, output + error);
    }

    [Fact]
    public void Smoke_EveryBenchmarkRuns()
    {
        (int code, string output) = Run("*");
        Assert.True(code == 0, output[Math.Max(0, output.Length - 4000)..]);
        Match total = Regex.Match(output, @"Global total time: .*executed benchmarks: (\d+)");
        Assert.True(total.Success, "no summary line in the output");

        // 4 balancing x 1 row count, 2 batcher cases, 3 training-step, 4 Adam-step (2 optimizers x 2 networks), 4 scoring,
        // 3 backbone-feature, 2 frozen-run, 2 DFR-search (64 and 512 features) and 2 end-to-end (one round; ffr only: the PyTorch reference runs when
        // FFR_REFERENCE_SCRIPT is set) benchmarks.
        Assert.Equal(Environment.GetEnvironmentVariable("FFR_REFERENCE_SCRIPT") is { Length: > 0 } ? 28 : 26, int.Parse(total.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("RunStrategy=ColdStart", output); // the short mode's job, not the full one
    }

    [Fact]
    public void Smoke_FilterMatchingNothing_ExitsWithOne()
    {
        (int code, string output) = Run("NoSuchBenchmark*");
        Assert.Equal(1, code);
        Assert.Contains("No benchmark ran: check --filter.", output);
    }
}
