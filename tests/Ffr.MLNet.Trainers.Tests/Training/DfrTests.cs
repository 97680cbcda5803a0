using Ffr.MLNet.Training;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>
/// DFR's batched last-layer solver against the same proximal-gradient iterations written for one problem at a
/// time: every strength and every balanced subset solved together must give what each gives alone.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class DfrTests
{
    private const int Classes = 3;
    private const int Features = 5;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void FitAveraged_EqualsEachProblemSolvedAlone(int subsets)
    {
        using var scope = NewDisposeScope();
        // 6 subgroups of exactly 4 rows: every balanced subset holds every row (in its own order), so each
        // subset's problem is the whole set's, and the average over subsets is that one solution.
        int[] labels = Enumerable.Range(0, 24).Select(i => i / 8).ToArray();
        int[] groups = Enumerable.Range(0, 24).Select(i => i / 4).ToArray();
        var random = new Generator(3);
        Tensor centres = randn(new long[] { Classes, Features }, ScalarType.Float64, generator: random);
        Tensor z = randn(new long[] { 24, Features }, ScalarType.Float64, generator: random) + centres.index_select(0, tensor(labels.Select(l => (long)l).ToArray()));
        double[] strengths = { 1, 0.1, 0.01 };

        (Tensor weights, Tensor biases) = Dfr.FitAveraged(z, labels, groups, Enumerable.Range(0, 24).ToList(), Classes, strengths, subsets, seed: 5, out int perGroup, _ => { });

        Assert.Equal(4, perGroup);
        Assert.Equal(new long[] { strengths.Length, Classes, Features }, weights.shape);
        Assert.Equal(new long[] { strengths.Length, Classes }, biases.shape);
        for (int c = 0; c < strengths.Length; c++)
        {
            (Tensor w, Tensor b) = SolveAlone(z, labels, strengths[c]);
            AssertClose(w, weights[c], $"weights for C = {strengths[c]}");
            AssertClose(b, biases[c], $"biases for C = {strengths[c]}");
        }

        // The strengths' solutions differ (the weakest penalty's is not all zeros), so a mix-up between them would show.
        Assert.True(weights[0].abs().max().item<double>() > 1e-2, "the weakest penalty gave all zeros");
        Assert.True((weights[0] - weights[1]).abs().max().item<double>() > 1e-3 && (weights[1] - weights[2]).abs().max().item<double>() > 1e-3);
    }

    /// <summary>1,000 ISTA iterations of mean cross-entropy + ||W||_1 / (C n), one problem, written out plainly.</summary>
    private static (Tensor W, Tensor B) SolveAlone(Tensor x, int[] labels, double strength)
    {
        long n = x.shape[0];
        Tensor y = nn.functional.one_hot(tensor(labels.Select(l => (long)l).ToArray()), Classes).to(ScalarType.Float64);
        double step = 1.0 / (0.5 * (x * x).sum(1).mean().item<double>() + 1e-6);
        double threshold = step / (strength * n);
        Tensor w = zeros(new long[] { Classes, Features }, ScalarType.Float64);
        Tensor b = zeros(new long[] { Classes }, ScalarType.Float64);
        for (int i = 0; i < 1000; i++)
        {
            Tensor error = (nn.functional.softmax(x.matmul(w.t()) + b, 1) - y) / n;
            b = b - step * error.sum(dim: 0);
            w = w - step * error.t().matmul(x);
            w = w.sign() * (w.abs() - threshold).clamp_min(0);
        }

        return (w, b);
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        double difference = (expected - actual).abs().max().item<double>();
        Assert.True(difference < 1e-9, $"{what}: differ by {difference}");
    }
}
