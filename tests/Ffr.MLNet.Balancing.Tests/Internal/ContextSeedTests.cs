using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests.Internal;

public sealed class ContextSeedTests
{
    [Fact]
    public void Resolve_GivenSeed_IsReturnedAsIs()
    {
        Assert.Equal(42, ContextSeed.Resolve(new MLContext(1).Data, 42));
    }

    [Fact]
    public void Resolve_NullSeed_IsASequenceFixedByTheContextSeed()
    {
        MLContext first = new(seed: 3), second = new(seed: 3), other = new(seed: 4);
        int[] a = Enumerable.Range(0, 3).Select(_ => ContextSeed.Resolve(first.Data, null)).ToArray();
        int[] b = Enumerable.Range(0, 3).Select(_ => ContextSeed.Resolve(second.Data, null)).ToArray();
        int[] c = Enumerable.Range(0, 3).Select(_ => ContextSeed.Resolve(other.Data, null)).ToArray();

        Assert.Equal(a, b);
        Assert.Equal(3, a.Distinct().Count());
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void OrDefault_TakesTheGivenSeed_ThenTheContextSeed_ThenZero()
    {
        Assert.Equal(42, ContextSeed.OrDefault(42, 7));
        Assert.Equal(7, ContextSeed.OrDefault(null, 7));
        Assert.Equal(0, ContextSeed.OrDefault(null, null));
        Assert.Equal(0, ContextSeed.Default);
    }
}
