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

    private static long Resident()
    {
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) * 1024;
    }
}
