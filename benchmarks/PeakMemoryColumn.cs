using System.Collections.Concurrent;
using System.Runtime;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Ffr.MLNet.Benchmarks;

/// <summary>
/// The process's peak resident memory (Linux VmHWM, native libtorch memory included) during a
/// benchmark's iterations: the peak is reset before each iteration (<c>/proc/self/clear_refs</c>)
/// after a collection that gives the setup's garbage back to the system (<see cref="Reset"/>), and read
/// after it; the column shows the largest. Managed-only diagnosers miss libtorch's tensors.
/// </summary>
public sealed class PeakMemoryColumn : IColumn
{
    private static readonly ConcurrentDictionary<string, long> Peaks = new();

    public string Id => nameof(PeakMemoryColumn);

    public string ColumnName => "Peak RSS";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Size;

    public string Legend => "Largest peak resident set size of the process in one iteration (VmHWM, reset before each)";

    /// <summary>
    /// Collects the garbage and gives its memory back to the system, then resets the kernel's peak-RSS mark
    /// of this process (call before an iteration, in <c>[IterationSetup]</c>). Without the collection the peak
    /// would start from whatever the global setup left committed: a dataset rendered in memory and written
    /// as PNG files is dead after the setup but still resident (about 1.0 GiB with 500 validation images
    /// of 224 x 224, 1.6 GiB with 2,000), and the iteration's native memory (libtorch) comes on top of it,
    /// so the column measured the setup's size, not the benchmark's.
    /// </summary>
    public static void Reset()
    {
        ReleaseGarbage();
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux, or not allowed: the column then shows the peak since the process started.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// A full, blocking, compacting collection (large-object heap included) in aggressive mode, which
    /// also decommits the freed memory (a default collection keeps it committed for reuse, and resident);
    /// then glibc's free memory is given back too (the cases of a class run one after another in this
    /// process, and the second would otherwise start with what the first left in glibc's arenas).
    /// </summary>
    public static void ReleaseGarbage()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers(); // finalizers free native memory (SkiaSharp, libtorch handles)
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Training.NativeHeap.Trim(); // and what glibc still holds of an earlier case's native memory (every case runs in this process)
    }

    /// <summary>Records the peak since the last <see cref="Reset"/> for <paramref name="key"/> (call after an iteration).</summary>
    public static void Record(string key) => Record(key, ReadPeak());

    /// <summary>Records a peak measured elsewhere (a child process's) for <paramref name="key"/>.</summary>
    public static void Record(string key, long bytes) => Peaks.AddOrUpdate(key, bytes, (_, old) => Math.Max(old, bytes));

    /// <summary>The key of a benchmark case: its method and parameters (<c>Name=value</c>, comma-separated, in declaration order).</summary>
    public static string Key(string method, string parameters) => method + "(" + parameters + ")";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        Peaks.TryGetValue(Key(benchmarkCase.Descriptor.WorkloadMethod.Name, string.Join(",", benchmarkCase.Parameters.Items.Select(p => $"{p.Name}={p.Value}"))), out long bytes)
            ? $"{bytes / (1024.0 * 1024.0):0} MiB"
            : "-";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    private static long ReadPeak() => PeakOf("self") ?? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;

    /// <summary>The peak resident set (VmHWM) of process <paramref name="pid"/> ("self" for this one); null where /proc does not say (not Linux, or the process has gone).</summary>
    public static long? PeakOf(string pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), System.Globalization.CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
