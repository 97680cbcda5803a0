using System.Runtime.InteropServices;

namespace Ffr.MLNet.Training;

/// <summary>
/// How glibc's heap treats the memory libtorch frees: <see cref="KeepFreedMemory"/> while training, <see cref="Trim"/> between
/// feature batches. Gives the native heap's free memory back to the system (glibc's <c>malloc_trim</c>). A pass over many
/// images at 224 x 224 frees and allocates hundreds of megabytes per batch through glibc (libtorch's
/// activations, SkiaSharp's decoders); glibc keeps much of the freed memory in its arenas, resident, and
/// that grew by about 0.12 MiB per image read, so a frozen backbone's peak memory grew with the
/// validation set. Trimming once per batch keeps it flat. Does nothing where the C library is not glibc
/// (musl, Windows, macOS): there is no such function there, or no such growth.
/// </summary>
internal static class NativeHeap
{
    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Returns the native heap's free pages to the system; false where that cannot be done.</summary>
    public static bool Trim()
    {
        if (_unavailable)
        {
            return false;
        }

        try
        {
            _ = malloc_trim(0);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // not glibc
            return false;
        }
    }

    /// <summary>
    /// Keeps up to 256 MiB of freed native memory for reuse instead of returning it to the system at once, and serves
    /// allocations up to 32 MiB from the heap (glibc's <c>mallopt</c>: trim threshold 256 MiB, top pad 64 MiB, mmap
    /// threshold 32 MiB). A training step frees its activations and the next one allocates them again; with glibc's
    /// defaults the heap shrank after each step and the next step faulted every page back in, zeroed: 1.3 million page
    /// faults and 3 s of system time in a 13 s run of the small CNN, against 65,000 and 0.6 s with these settings
    /// (docs/benchmarks.md). Process-wide and idempotent; <see cref="Trim"/> still gives everything back when asked.
    /// False where the C library is not glibc.
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (_unavailable)
        {
            return false;
        }

        try
        {
            // M_TRIM_THRESHOLD -1, M_TOP_PAD -2, M_MMAP_THRESHOLD -3 (malloc.h); 32 MiB is the largest mmap threshold glibc takes.
            return mallopt(-1, 256 << 20) == 1 & mallopt(-2, 64 << 20) == 1 & mallopt(-3, 32 << 20) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true; // not glibc
            return false;
        }
    }

    [DllImport("libc.so.6", EntryPoint = "mallopt")]
    private static extern int mallopt(int parameter, int value);

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
