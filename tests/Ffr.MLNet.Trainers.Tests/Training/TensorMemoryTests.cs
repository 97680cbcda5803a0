using Ffr.MLNet.Training;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>The address of a tensor's elements: the same through the whole-tensor span (up to 2 GB) and through the first row (beyond).</summary>
[Collection(TorchCollection.Name)]
public sealed class TensorMemoryTests
{
    [Fact]
    public unsafe void Start_IsTheSameAddress_ThroughTheSpanAndThroughTheFirstRow()
    {
        using Tensor t = arange(24f).reshape(4, 6);
        byte* direct = TensorMemory.Start(t, 24 * sizeof(float));
        byte* throughRow = TensorMemory.Start(t, 1L << 32); // taken as a tensor over 2 GB would be

        Assert.True(direct == throughRow);
        Assert.Equal(7f, ((float*)throughRow)[7]);
    }
}
