using System.Runtime.InteropServices;
using Ffr.MLNet.Batching;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>Copies a batch's NCHW pixels into a new float tensor (in the current dispose scope).</summary>
internal static class BatchTensor
{
    public static Tensor From(ImageBatch batch)
    {
        Tensor x = empty(new long[] { batch.Count, batch.Channels, batch.Height, batch.Width }, ScalarType.Float32);
        x.bytes = MemoryMarshal.AsBytes(batch.Pixels);
        return x;
    }
}
