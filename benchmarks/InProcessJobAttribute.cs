using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ffr.MLNet.Benchmarks;

/// <summary>
/// A job that runs in the benchmark process itself. BenchmarkDotNet's generated child projects
/// would carry an unpatched copy of libLibTorchSharp.so, which does not load on Debian 12 (see the
/// README's design notes); the built benchmark process has the patched copy. In a smoke run
/// (<see cref="Smoke"/>) the job is one cold-start iteration without warm-up, whatever the class asks.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class InProcessJobAttribute : JobConfigBaseAttribute
{
    /// <summary>In-process, with room for whole training runs (BenchmarkDotNet's default stops a benchmark after 5 minutes).</summary>
    private static readonly InProcessEmitToolchain Toolchain = new(TimeSpan.FromHours(1), logOutput: true);

    public InProcessJobAttribute(RunStrategy strategy, int warmupCount, int iterationCount)
        : base(Job.Default
            .WithStrategy(Smoke.Pick(strategy, RunStrategy.ColdStart))
            .WithLaunchCount(1)
            .WithWarmupCount(Smoke.Pick(warmupCount, 0))
            .WithIterationCount(Smoke.Pick(iterationCount, 1))
            .WithToolchain(Toolchain))
    {
    }
}
