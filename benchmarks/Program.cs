using BenchmarkDotNet.Running;

namespace Ffr.MLNet.Benchmarks;

/// <summary>
/// One entry point for every benchmark; pick them with --filter ('*' for all, '*Scoring*' for one
/// class). Every class runs in this process (<see cref="InProcessJobAttribute"/>).
/// <c>--smoke</c> (ours, taken out before BenchmarkDotNet sees the arguments) is the short mode
/// for smoke runs: one cold iteration of each benchmark, no warm-up, and small inputs
/// (<see cref="Smoke"/>); its numbers only show that every benchmark runs.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        Smoke.Enabled = args.Contains("--smoke", StringComparer.Ordinal);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Where(a => a != "--smoke").ToArray());
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
