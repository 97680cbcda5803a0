using BenchmarkDotNet.Running;

namespace Ffr.MLNet.Benchmarks;

/// <summary>One entry point for every benchmark; pick them with --filter.</summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
