using System.Globalization;

namespace Ffr.MLNet.Cli;

/// <summary>
/// How long libtorch's OpenMP threads (GNU OpenMP, on Linux) spin before they sleep, chosen once when the process starts,
/// before libtorch is loaded. libgomp's default, 300,000 rounds, makes a machine doing anything else several times
/// slower (a thread spins while the one it waits for is descheduled); 1,000 rounds cost an idle machine's small-CNN
/// run 5-10% (every parallel operation wakes a sleeping thread); 10,000 keep most of the idle machine's speed. So the
/// count is <see cref="BusySpinCount"/> when another task is runnable as the process starts, else
/// <see cref="IdleSpinCount"/>. The measurements: docs/benchmarks.md, "What made the difference", item 4. A
/// GOMP_SPINCOUNT or OMP_WAIT_POLICY that the user set is left alone. Sampling costs about 12 ms at every start.
/// </summary>
internal static class OpenMpWaiting
{
    /// <summary>The spin count on an idle machine.</summary>
    public const string IdleSpinCount = "10000";

    /// <summary>The spin count on a busy machine.</summary>
    public const string BusySpinCount = "1000";

    private const string LoadAverageFile = "/proc/loadavg";
    private const int Samples = 5;

    /// <summary>Sets GOMP_SPINCOUNT for this process and libtorch, by how busy the machine is, unless the user chose already.</summary>
    public static void Choose()
    {
        if (OperatingSystem.IsLinux()
            && SpinCount(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"), Environment.GetEnvironmentVariable("GOMP_SPINCOUNT"), RunnableNow) is string count)
        {
            NativeEnvironment.SetDefault("GOMP_SPINCOUNT", count);
        }
    }

    /// <summary>
    /// The spin count to set: none when the user set <paramref name="waitPolicy"/> or <paramref name="spinCount"/> (the
    /// samples are not taken then), else by <see cref="IsBusy"/> of the samples.
    /// </summary>
    internal static string? SpinCount(string? waitPolicy, string? spinCount, Func<IReadOnlyList<int>> samples) =>
        waitPolicy is not null || spinCount is not null ? null : IsBusy(samples()) ? BusySpinCount : IdleSpinCount;

    /// <summary>
    /// Busy when, in every sample, some task other than the reading thread was runnable: libtorch starts a thread per
    /// core, so any other runnable task leaves one of them waiting for a core. Several samples a few milliseconds apart
    /// keep this process's own short-lived threads (the runtime's, at start) from counting. No samples (the file could
    /// not be read) counts as busy: the spin that is safe on a busy machine.
    /// </summary>
    internal static bool IsBusy(IReadOnlyList<int> runnableSamples) => runnableSamples.Count == 0 || runnableSamples.Min() > 1;

    /// <summary>
    /// The number of runnable tasks (the fourth field of /proc/loadavg, "runnable/all"), <see cref="Samples"/> times
    /// 3 ms apart; empty when the file cannot be read or parsed.
    /// </summary>
    internal static IReadOnlyList<int> RunnableNow()
    {
        var samples = new List<int>(Samples);
        try
        {
            for (int i = 0; i < Samples; i++)
            {
                if (i > 0)
                {
                    Thread.Sleep(3);
                }

                if (ParseRunnable(File.ReadAllText(LoadAverageFile)) is not int runnable)
                {
                    return new List<int>();
                }

                samples.Add(runnable);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new List<int>();
        }

        return samples;
    }

    /// <summary>The runnable count of a /proc/loadavg line ("0.12 0.30 0.25 2/345 6789"); null when it has none.</summary>
    internal static int? ParseRunnable(string loadAverage)
    {
        string[] fields = loadAverage.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 4)
        {
            return null;
        }

        int slash = fields[3].IndexOf('/', StringComparison.Ordinal);
        // The reading thread is always runnable: a count below 1 is not a real one (gVisor shows 0/0).
        return slash > 0 && int.TryParse(fields[3].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int runnable) && runnable >= 1 ? runnable : null;
    }
}
