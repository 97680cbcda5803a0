using System.Globalization;
using System.Runtime.CompilerServices;
using Ffr.MLNet.Benchmarks;

namespace Ffr.MLNet.Benchmarks.Tests;

/// <summary>
/// The benchmarks' peak-RSS column starts each iteration from what is live, not from what the setup left
/// behind: a frozen-backbone run's setup renders its dataset in memory, and that garbage, still committed
/// and resident, once made the peak grow with the validation set (1.0 GiB at 500 images, 1.6 GiB at 2,000).
/// </summary>
[Collection(ProcessMemoryCollection.Name)] // run alone: no other test allocates while the resident size is read
public sealed class PeakMemoryColumnTests
{
    private const long Garbage = 256L << 20;

    [Fact]
    public void Reset_GivesTheSetupsGarbageBackBeforeMarkingThePeak()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // VmRSS and VmHWM are Linux's
        }

        bool marksPeak = ClearRefsWritable(); // a container may forbid resetting the peak mark
        LeaveGarbage();
        long before = Status("VmRSS");
        PeakMemoryColumn.Reset();
        long after = Status("VmRSS");
        Assert.True(before - after >= Garbage / 2, $"resident {before >> 20} MiB before the reset, {after >> 20} MiB after: the setup's {Garbage >> 20} MiB of garbage stayed resident");
        if (marksPeak)
        {
            long peak = Status("VmHWM");
            Assert.True(peak <= before - Garbage / 2, $"the peak mark after the reset is {peak >> 20} MiB, the resident size before it {before >> 20} MiB: the garbage counts in the peak");
        }
    }

    /// <summary>Arrays as a setup leaves them: large, written to (resident), all alive at once, then dropped.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void LeaveGarbage()
    {
        var arrays = new List<byte[]>();
        for (long made = 0; made < Garbage; made += 4 << 20)
        {
            var array = new byte[4 << 20];
            Array.Fill(array, (byte)1);
            arrays.Add(array);
        }

        GC.KeepAlive(arrays);
    }

    private static bool ClearRefsWritable()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Status(string key)
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        return long.Parse(line[(key.Length + 1)..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}

/// <summary>Tests that read this process's resident memory run with nothing else in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessMemoryCollection
{
    public const string Name = "process memory";
}
