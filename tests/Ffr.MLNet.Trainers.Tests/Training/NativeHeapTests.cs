using System.Globalization;
using System.Runtime.InteropServices;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>
/// Why feature extraction trims the native heap after each batch: memory freed through glibc stays
/// resident in its arenas (it grew with the images read, about 0.12 MiB each at 224 x 224), and
/// <see cref="NativeHeap.Trim"/> gives it back.
/// </summary>
[Collection(TorchCollection.Name)] // run alone: no other test allocates while the resident size is read
public sealed class NativeHeapTests
{
    private const int Chunk = 64 << 10; // below glibc's mmap threshold: served from an arena, as libtorch's and SkiaSharp's smaller buffers are
    private const long Total = 256L << 20;

    [Fact]
    public void Trim_GivesFreedArenaMemoryBackToTheSystem()
    {
        if (!NativeHeap.Trim())
        {
            return; // not glibc: nothing to trim, and Trim says so without throwing
        }

        var ones = new byte[Chunk];
        Array.Fill(ones, (byte)1);
        var chunks = new List<nint>();
        for (long made = 0; made < Total; made += Chunk)
        {
            nint p = Marshal.AllocHGlobal(Chunk); // malloc
            Marshal.Copy(ones, 0, p, Chunk); // resident
            chunks.Add(p);
        }

        // Free all but the last chunk: the arena's top stays in use, so glibc cannot shrink it by itself.
        for (int i = 0; i < chunks.Count - 1; i++)
        {
            Marshal.FreeHGlobal(chunks[i]);
        }

        long freed = Resident();
        NativeHeap.Trim();
        long trimmed = Resident();
        Marshal.FreeHGlobal(chunks[^1]);
        Assert.True(freed - trimmed >= Total / 2, $"resident {freed >> 20} MiB after freeing {Total >> 20} MiB, {trimmed >> 20} MiB after the trim: the freed memory was not given back");
    }

    [Fact]
    public void KeepFreedMemory_KeepsWhatAStepFrees_ForTheNextStep()
    {
        if (!NativeHeap.KeepFreedMemory())
        {
            return; // not glibc: the settings do not exist, and KeepFreedMemory says so without throwing
        }

        // Activation-sized blocks (4 MiB, above glibc's default mmap threshold): freed, they stay in the heap, resident, for reuse.
        const int block = 4 << 20;
        var ones = new byte[block];
        Array.Fill(ones, (byte)1);
        var blocks = new List<nint>();
        for (long made = 0; made < 128L << 20; made += block)
        {
            nint p = Marshal.AllocHGlobal(block);
            Marshal.Copy(ones, 0, p, block);
            blocks.Add(p);
        }

        long used = Resident();
        blocks.ForEach(Marshal.FreeHGlobal);
        long kept = Resident();
        NativeHeap.Trim();
        Assert.True(used - kept < 32L << 20, $"resident {used >> 20} MiB with 128 MiB of blocks, {kept >> 20} MiB after freeing them: the heap gave them back instead of keeping them");
    }

    private static long Resident()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}
