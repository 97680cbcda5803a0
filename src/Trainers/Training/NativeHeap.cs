using System.Runtime.InteropServices;

namespace Ffr.MLNet.Training;

/// <summary>
/// Gives the native heap's free memory back to the system (glibc's <c>malloc_trim</c>). A pass over many
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

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
