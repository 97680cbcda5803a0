using System.Diagnostics;

namespace Ffr.MLNet.Tests;

/// <summary>Runs an assembly built beside the tests (a sample, the benchmarks, the ffr tool) in a child <c>dotnet</c> process, as a user would.</summary>
internal static class ChildProcess
{
    /// <summary>Runs <paramref name="assembly"/> from the tests' folder with <paramref name="args"/>; both output streams are read to the end, concurrently.</summary>
    public static (int ExitCode, string Output, string Error) Run(string assembly, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        using Process process = Start(assembly, args, workingDirectory, environment);
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }

    /// <summary>Starts <paramref name="assembly"/> with its output streams redirected, for a test that acts on it while it runs.</summary>
    public static Process Start(string assembly, IEnumerable<string> args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? string.Empty };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start)!;
    }
}
