using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>The native address of a tensor's elements, for the passes that read and write them directly (FusedAdam, held images).</summary>
internal static class TensorMemory
{
    /// <summary>
    /// The address of a contiguous CPU tensor's first element, of <paramref name="bytes"/> bytes (native memory: it does not
    /// move while the tensor lives). TorchSharp's byte span of a whole tensor stops at 2 GB; a larger tensor's address is
    /// taken through its first row (a view made and disposed: a few native calls more, so not for every small tensor).
    /// </summary>
    public static unsafe byte* Start(Tensor t, long bytes)
    {
        if (bytes <= int.MaxValue)
        {
            fixed (byte* p = t.bytes)
            {
                return p;
            }
        }

        using Tensor first = t.narrow(0, 0, 1);
        fixed (byte* p = first.bytes)
        {
            return p;
        }
    }
}
