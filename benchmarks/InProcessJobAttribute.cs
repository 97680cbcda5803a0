using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Ffr.MLNet.Benchmarks;

/// <summary>
/// A job that runs in the benchmark process itself. BenchmarkDotNet's generated child projects
/// would carry an unpatched copy of libLibTorchSharp.so, which does not load on Debian 12 (see the
/// README's design notes); the built benchmark process has the patched copy.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class InProcessJobAttribute : JobConfigBaseAttribute
{
    public InProcessJobAttribute(RunStrategy strategy, int warmupCount, int iterationCount)
        : base(Job.Default
            .WithStrategy(strategy)
            .WithLaunchCount(1)
            .WithWarmupCount(warmupCount)
            .WithIterationCount(iterationCount)
            .WithToolchain(InProcessEmitToolchain.Instance))
    {
    }
}
