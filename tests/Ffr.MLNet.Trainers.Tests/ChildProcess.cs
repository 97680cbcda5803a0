using System.Diagnostics;

namespace Ffr.MLNet.Trainers.Tests;

/// <summary>Runs an assembly built beside the tests (a sample, the benchmarks) in a child <c>dotnet</c> process, as a user would.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="assembly"/> from the tests' folder with <paramref name="args"/>; both output streams are read to the end, concurrently.</summary>
    public static (int ExitCode, string Output, string Error) Run(string assembly, IEnumerable<string> args, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
