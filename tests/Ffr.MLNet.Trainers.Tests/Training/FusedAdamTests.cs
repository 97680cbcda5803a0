using Ffr.MLNet.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>
/// The fused Adam step against TorchSharp's own: the same weights and moments after many steps, on parameters whose sizes
/// exercise the vector loop, its scalar tail and the split between threads; the fallbacks; the gradients set to none.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class FusedAdamTests
{
    // A vector's remainder (7, 13), small tensors (the small CNN's), one past a thread piece, and a ResNet-18-sized layer.
    private static readonly long[][] Shapes = { new long[] { 7 }, new long[] { 13, 1 }, new long[] { 32, 16, 3, 3 }, new long[] { 65537 }, new long[] { 512, 256, 3, 3 } };

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-5)]
    public void Steps_MatchTorchSharpsAdam(double weightDecay)
    {
        using var scope = NewDisposeScope();
        (Parameter[] reference, Parameter[] fused) = TwinParameters(seed: 1);
        using var theirs = new Adam(reference, lr: 1e-3, weight_decay: weightDecay);
        using var ours = new FusedAdam(fused, lr: 1e-3, weightDecay: weightDecay);
        var random = new Generator(7);
        for (int step = 0; step < 20; step++)
        {
            theirs.zero_grad();
            ours.zero_grad();
            for (int i = 0; i < reference.Length; i++)
            {
                // Gradients of mixed scale and sign, some exactly zero, the same for both.
                Tensor g = randn(reference[i].shape, generator: random) * (i + 1) * 1e-2;
                g = g.where(g.abs() > 1e-3, zeros_like(g));
                reference[i].grad = g.clone();
                fused[i].grad = g.clone();
            }

            theirs.step();
            ours.step();
            Assert.True(ours.LastStepFused);
        }

        for (int i = 0; i < reference.Length; i++)
        {
            AssertSame(reference[i], fused[i], $"parameter {i} ({string.Join('x', reference[i].shape)})");
        }

        // The moments too (a checkpoint holds them), through the optimizer's own state, which both keep the same way.
        var theirState = theirs.state_dict();
        var ourState = ours.state_dict();
        for (int i = 0; i < theirState.State.Count; i++)
        {
            var a = (Adam.State)theirState.State[i];
            var b = (Adam.State)ourState.State[i];
            Assert.Equal(a.step, b.step);
            AssertSame(a.exp_avg, b.exp_avg, $"first moment {i}");
            AssertSame(a.exp_avg_sq, b.exp_avg_sq, $"second moment {i}");
        }
    }

    [Fact]
    public void ZeroGrad_SetsGradientsToNone_AndTheNextBackwardWritesThem()
    {
        using var scope = NewDisposeScope();
        var w = new Parameter(ones(3));
        using var ours = new FusedAdam(new[] { w }, lr: 0.1, weightDecay: 0);
        (w * w).sum().backward();
        Assert.NotNull(w.grad);
        ours.zero_grad();
        Assert.Null(w.grad);
        (w * 3).sum().backward();
        Assert.Equal(new[] { 3f, 3f, 3f }, w.grad!.data<float>().ToArray()); // written, not added to the old 2s
    }

    [Fact]
    public void NonContiguousParameter_TakesTorchSharpsStep_WithTheSameResult()
    {
        using var scope = NewDisposeScope();
        var reference = new Parameter(arange(12f).reshape(3, 4).t());
        var fused = new Parameter(arange(12f).reshape(3, 4).t());
        Assert.False(fused.is_contiguous());
        using var theirs = new Adam(new[] { reference }, lr: 0.01);
        using var ours = new FusedAdam(new[] { fused }, lr: 0.01, weightDecay: 0);
        reference.grad = ones(4, 3);
        fused.grad = ones(4, 3);
        theirs.step();
        ours.step();
        Assert.False(ours.LastStepFused);
        AssertSame(reference, fused, "the transposed parameter");
    }

    [Fact]
    public void ParameterWithoutGradient_IsLeftAsItIs()
    {
        using var scope = NewDisposeScope();
        var a = new Parameter(ones(5));
        var b = new Parameter(ones(5));
        using var ours = new FusedAdam(new[] { a, b }, lr: 0.1, weightDecay: 0);
        a.grad = ones(5);
        ours.step();
        Assert.True(ours.LastStepFused);
        Assert.True(a.data<float>().ToArray().All(x => x < 1f));
        Assert.Equal(Enumerable.Repeat(1f, 5), b.data<float>().ToArray());
    }

    private static (Parameter[] Reference, Parameter[] Fused) TwinParameters(int seed)
    {
        var random = new Generator((ulong)seed);
        Tensor[] values = Shapes.Select(s => randn(s, generator: random)).ToArray();
        return (values.Select(v => new Parameter(v.clone())).ToArray(), values.Select(v => new Parameter(v.clone())).ToArray());
    }

    /// <summary>The same floats, bit for bit.</summary>
    private static void AssertSame(Tensor expected, Tensor actual, string what)
    {
        float[] e = expected.detach().contiguous().data<float>().ToArray();
        float[] a = actual.detach().contiguous().data<float>().ToArray();
        Assert.Equal(e.Length, a.Length);
        int differing = Enumerable.Range(0, e.Length).Count(i => BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]));
        int first = Enumerable.Range(0, e.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(e[i]) != BitConverter.SingleToInt32Bits(a[i]));
        Assert.True(differing == 0, $"{what}: {differing} of {e.Length} elements differ from TorchSharp's Adam, first [{first}]: {e[first]:R} against {a[first]:R}");
    }
}
