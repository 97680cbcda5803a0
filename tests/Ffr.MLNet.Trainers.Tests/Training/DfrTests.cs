using Ffr.MLNet.Training;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>
/// DFR's batched last-layer solver against the same proximal-gradient iterations written for one problem at a
/// time: every strength and every balanced subset solved together must give what each gives alone, averaged.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class DfrTests
{
    private const int Classes = 3;
    private const int Features = 5;

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void FitAveraged_EqualsTheAverageOfEachProblemSolvedAlone(int subsets)
    {
        using var scope = NewDisposeScope();
        // 6 subgroups of 4 to 9 rows: each balanced subset draws 4 of every subgroup, so the subsets differ, and a
        // mix-up between subsets (features, steps or weights of one used for another) changes the average.
        int[] sizes = { 4, 9, 5, 7, 6, 8 };
        int[] groups = sizes.SelectMany((size, g) => Enumerable.Repeat(g, size)).ToArray();
        int[] labels = groups.Select(g => g / 2).ToArray();
        using var random = new Generator(3);
        Tensor centres = randn(new long[] { Classes, Features }, ScalarType.Float64, generator: random);
        Tensor z = randn(new long[] { groups.Length, Features }, ScalarType.Float64, generator: random) + centres.index_select(0, tensor(labels.Select(l => (long)l).ToArray()));
        double[] strengths = { 1, 0.3, 0.1 };
        List<int> rows = Enumerable.Range(0, groups.Length).ToList();

        (Tensor weights, Tensor biases) = Dfr.FitAveraged(z, labels, groups, rows, Classes, strengths, subsets, seed: 5, out int perGroup, _ => { });

        Assert.Equal(4, perGroup);
        Assert.Equal(new long[] { strengths.Length, Classes, Features }, weights.shape);
        Assert.Equal(new long[] { strengths.Length, Classes }, biases.shape);
        long[] chosen = Dfr.BalancedSubsets(rows, groups, subsets, seed: 5, out _);
        int n = chosen.Length / subsets;
        for (int c = 0; c < strengths.Length; c++)
        {
            Tensor w = zeros(Classes, Features, ScalarType.Float64);
            Tensor b = zeros(Classes, ScalarType.Float64);
            for (int s = 0; s < subsets; s++)
            {
                long[] subset = chosen.Skip(s * n).Take(n).ToArray();
                (Tensor ws, Tensor bs) = SolveAlone(z.index_select(0, tensor(subset)), subset.Select(r => labels[r]).ToArray(), strengths[c]);
                w += ws / subsets;
                b += bs / subsets;
            }

            AssertClose(w, weights[c], $"weights for C = {strengths[c]}");
            AssertClose(b, biases[c], $"biases for C = {strengths[c]}");
        }

        // The strengths' solutions differ (the weakest penalty's is not all zeros), so a mix-up between them would show.
        Assert.True(weights[0].abs().max().item<double>() > 1e-2, "the weakest penalty gave all zeros");
        Assert.True((weights[0] - weights[1]).abs().max().item<double>() > 1e-3 && (weights[1] - weights[2]).abs().max().item<double>() > 1e-3);
        if (subsets > 1)
        {
            // The subsets differ, so an average over them is not any one of them.
            long[] first = chosen.Take(n).ToArray();
            (Tensor alone, _) = SolveAlone(z.index_select(0, tensor(first)), first.Select(r => labels[r]).ToArray(), strengths[0]);
            Assert.True((alone - weights[0]).abs().max().item<double>() > 1e-3, "every subset gave the same problem: the test would not see a mix-up between them");
        }
    }

    [Fact]
    public void BalancedSubsets_DrawTheSmallestGroupsSizeFromEveryGroup()
    {
        int[] groups = { 0, 0, 0, 1, 1, 2, 2, 2, 2 };
        long[] chosen = Dfr.BalancedSubsets(Enumerable.Range(0, groups.Length).ToList(), groups, subsets: 3, seed: 1, out int perGroup);
        Assert.Equal(2, perGroup);
        Assert.Equal(3 * 3 * 2, chosen.Length);
        for (int s = 0; s < 3; s++)
        {
            long[] subset = chosen.Skip(s * 6).Take(6).ToArray();
            Assert.Equal(new[] { 0, 0, 1, 1, 2, 2 }, subset.Select(r => groups[r]));
            Assert.Equal(6, subset.Distinct().Count());
        }
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
