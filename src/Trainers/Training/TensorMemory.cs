using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>The native address of a tensor's elements, for the passes that read and write them directly (FusedAdam, held images).</summary>
internal static class TensorMemory
{
    /// <summary>
    /// The address of a contiguous CPU tensor's first element (native memory: it does not move while the tensor lives).
    /// Taken through its first row, because TorchSharp's byte span of a whole tensor stops at 2 GB.
    /// </summary>
    public static unsafe byte* Start(Tensor t)
    {
        using Tensor first = t.dim() == 0 ? t.alias() : t.narrow(0, 0, 1);
        fixed (byte* p = first.bytes)
        {
            return p;
        }
    }
}
