using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Ffr.MLNet.Benchmarks;

/// <summary>
/// One entry point for every benchmark; pick them with --filter ('*' for all, '*Scoring*' for one
/// class). Every class runs in this process (<see cref="InProcessJobAttribute"/>).
/// <c>--smoke</c> (ours, taken out before BenchmarkDotNet sees the arguments) is the short mode
/// for smoke runs: one cold iteration of each benchmark, no warm-up, and small inputs
/// (<see cref="Smoke"/>); it also runs from a Debug build (the tests run it so), and its numbers
/// only show that every benchmark runs. The exit code is 1 when a benchmark failed or none matched.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Smoke.Enabled = args.Contains("--smoke", StringComparer.Ordinal);
        IConfig config = Smoke.Enabled ? DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator) : DefaultConfig.Instance;
        Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--smoke").ToArray(), config).ToArray();
        int failed = summaries.Sum(s => s.Reports.Count(r => !r.Success) + (s.HasCriticalValidationErrors ? 1 : 0));
        int ran = summaries.Sum(s => s.Reports.Length);
        if (failed > 0 || ran == 0)
        {
            Console.Error.WriteLine(ran == 0 ? "No benchmark ran: check --filter." : $"{failed} of {ran} benchmarks failed; see the log above.");
            return 1;
        }

        return 0;
    }
}

/// <summary>The short mode of <c>--smoke</c>: read by the job attribute and by setups that size their inputs.</summary>
public static class Smoke
{
    /// <summary>Whether this run is a smoke run.</summary>
    public static bool Enabled { get; set; }

    /// <summary><paramref name="full"/> normally, <paramref name="smoke"/> in a smoke run.</summary>
    public static T Pick<T>(T full, T smoke) => Enabled ? smoke : full;
}
