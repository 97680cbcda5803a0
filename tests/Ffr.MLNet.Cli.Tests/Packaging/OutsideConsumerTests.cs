using System.Diagnostics;
using Xunit.Abstractions;

namespace Ffr.MLNet.Cli.Tests.Packaging;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OutsideConsumerCollection
{
    public const string Name = "outside consumer (packs, builds and trains; runs alone)";
}

/// <summary>
/// THE SLOWEST TEST (about 3 minutes on 2 cores; 2 minutes alone): runs build/outside-consumer.sh, which packs the libraries and the
/// tool into a folder feed, builds and runs an application outside the repository against those packages (one-chain
/// FFR fit, save, load in a fresh process, predict), checks the unsupported-platform message, and installs and runs
/// the ffr tool from the feed. It runs alone (its own collection) so that its pack and build do not compete with
/// the other tests for the cores. Filter it out with --filter "Category!=OutsideConsumer" for a quicker run.
/// </summary>
[Collection(OutsideConsumerCollection.Name)]
[Trait("Category", "OutsideConsumer")]
public sealed class OutsideConsumerTests
{
    private readonly ITestOutputHelper _output;

    public OutsideConsumerTests(ITestOutputHelper output) => _output = output;

    /// <summary>The repository: the folder above the tests' output that holds Ffr.MLNet.sln.</summary>
    internal static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ffr.MLNet.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Ffr.MLNet.sln above {AppContext.BaseDirectory}.");
    }

    [SkippableFact]
    public void OutsideConsumer_PackagesFromAFolderFeed_BuildTrainSaveLoadPredict_AndTheToolRuns()
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "build/outside-consumer.sh is a bash script");
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot() };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "build", "outside-consumer.sh"));
        start.Environment.Remove("FFR_DOTNET_LOCK"); // the test suite's own dotnet holds no lock; a lock here could wait on itself
        start.Environment.Remove("FFR_KEEP_WORK");

        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        bool finished = process.WaitForExit(TimeSpan.FromMinutes(20));
        if (!finished)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        string all = output.Result + error.Result;
        _output.WriteLine(all);
        _output.WriteLine($"outside consumer: {watch.Elapsed.TotalMinutes:0.0} min");
        Assert.True(finished, "build/outside-consumer.sh ran past 20 minutes:\n" + Tail(all));
        Assert.True(process.ExitCode == 0, $"build/outside-consumer.sh failed (exit {process.ExitCode}):\n" + Tail(all));
        Assert.Contains("outside consumer: all checks passed", all);
        Assert.Contains("outside consumer: loaded and predicted", all);
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];
}
