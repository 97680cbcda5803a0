using Ffr.MLNet.Experiments;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class PeakMemoryTests
{
    [Fact]
    public void Bytes_AfterA200MiBArrayIsTouchedAndFreed_KeepsTheHighestSample()
    {
        using var memory = new PeakMemory();
        long before = memory.Bytes;
        byte[] block = new byte[200 << 20];
        for (int i = 0; i < block.Length; i += 4096)
        {
            block[i] = 1; // touch every page so that it is in the working set
        }

        long during = memory.Bytes;
        GC.KeepAlive(block);
        block = null!;
        GC.Collect();
        Assert.True(during - before > 150 << 20, $"{(during - before) >> 20} MiB more while the array lived");
        Assert.True(memory.Bytes >= during);
    }
}
