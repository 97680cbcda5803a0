using BenchmarkDotNet.Running;

namespace Ffr.MLNet.Benchmarks;

/// <summary>
/// One entry point for every benchmark; pick them with --filter ('*' for all, '*Scoring*' for one
/// class). Every class runs in this process (<see cref="InProcessJobAttribute"/>).
/// A smoke run: --filter '*' --job dry.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
