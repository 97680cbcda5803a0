using System.Globalization;

namespace Ffr.MLNet.Cli;

/// <summary>
/// How libtorch's OpenMP threads (GNU OpenMP, on Linux) wait for work, chosen once when the process starts, before
/// libtorch is loaded. libgomp spins 300,000 rounds before a waiting thread sleeps; <c>GOMP_SPINCOUNT</c> sets the
/// count. Measured on 2 cores (docs/benchmarks.md):
/// <list type="bullet">
/// <item>idle machine, small CNN, 4 + 2 epochs: 1,000 rounds 11.3-11.4 s (a thread sleeps, and is woken for every
/// parallel operation), 10,000 10.3-10.8 s, 300,000 10.3-10.4 s;</item>
/// <item>idle machine, ResNet-18, 1 + 1 epochs: 1,000 30.9 s, 10,000 30.4 s, 300,000 33.5 s (libtorch's threads
/// go on spinning after each square root of the fused Adam step, on the core its second half needs);</item>
/// <item>load of 5, small CNN, 1 + 1 epochs: 1,000 24-25 s, 3,000 28 s, 10,000 37 s, 300,000 56 s (a thread spins
/// while the one it waits for is descheduled).</item>
/// </list>
/// So the count is <see cref="IdleSpinCount"/> when nothing else is runnable as the process starts, and
/// <see cref="BusySpinCount"/> when something is. A load that begins after the start meets 10,000 rounds. Set
/// GOMP_SPINCOUNT (1000 for a shared machine) or OMP_WAIT_POLICY to choose for yourself: this leaves either alone.
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
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null || Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null)
        {
            return;
        }

        NativeEnvironment.SetDefault("GOMP_SPINCOUNT", IsBusy(RunnableNow()) ? BusySpinCount : IdleSpinCount);
    }

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
    internal static List<int> RunnableNow()
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
        return slash > 0 && int.TryParse(fields[3].AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out int runnable) ? runnable : null;
    }
}
