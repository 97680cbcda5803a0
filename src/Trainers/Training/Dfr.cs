using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Networks;
using static TorchSharp.torch;

namespace Ffr.MLNet.Training;

/// <summary>
/// Deep feature reweighting (Kirichenko et al.): with the network frozen, the last layer is
/// retrained as an L1-regularised multinomial logistic regression on standardised penultimate
/// features of group-balanced subsets of the validation set, the weights averaged over the
/// subsets. The strength is chosen by worst-group accuracy on the held-out half of the validation
/// set; the final layer is then fitted on subsets of the whole validation set. Standardisation is
/// folded into the layer, so the network keeps its plain architecture (and its ONNX export).
/// </summary>
internal static class Dfr
{
    private const int Iterations = 1000;
    private const int ProgressSteps = 10;

    /// <summary>The phase name in progress reports.</summary>
    public const string PhaseName = "dfr";

    public static DfrSummary Apply(ImageNetwork network, Device device, ValidationData validation, FfrTrainerOptions options, int seed, TrainingClock clock)
    {
        using var scope = NewDisposeScope();
        Tensor features = NetworkInputs.ComputeFeatures(network, validation.Inputs, device, options.CancellationToken).cpu().to(ScalarType.Float64);
        Tensor mean = features.mean(new long[] { 0 });
        Tensor std = features.std(0).clamp_min(1e-6);
        Tensor z = (features - mean) / std;
        int[] labels = validation.Labels;
        int[] groups = validation.Groups;
        int classes = network.Classes;

        // Halves per group: the first tunes the strength, the second scores it.
        var random = new Random(StableSeed.Combine(seed, 0xDF));
        var first = new List<int>();
        var second = new List<int>();
        foreach (IGrouping<int, int> group in Enumerable.Range(0, groups.Length).GroupBy(i => groups[i]))
        {
            int[] members = group.ToArray();
            random.Shuffle(members);
            int half = Math.Max(1, members.Length / 2);
            first.AddRange(members.Take(half));
            second.AddRange(members.Skip(half));
        }

        // Progress: round 1 fits every strength C at once (then one report per C with its held-out
        // worst-group accuracy), round 2 the final layer; a step per tenth of the iterations.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        double[] strengths = options.DfrRegularization;
        void Report(int round, int step, string detail, double? heldOut)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            int done = (round - 1) * ProgressSteps + step;
            TimeSpan remaining = done == 0 ? TimeSpan.Zero : watch.Elapsed / done * (2 * ProgressSteps - done);
            options.Progress?.Report(new TrainingProgress(PhaseName, round, 2, step, ProgressSteps, double.NaN, heldOut, null, clock.Elapsed, remaining) { Detail = detail });
        }

        string search = "last layer, C in " + string.Join(", ", strengths.Select(c => FormattableString.Invariant($"{c}")));
        (Tensor searchWeights, Tensor searchBiases) = FitAveraged(z, labels, groups, first, classes, strengths, options.DfrSubsets, StableSeed.Combine(seed, 0xDF1), out _, step => Report(1, step, search, null));
        double bestC = strengths[0];
        double bestHeldOut = double.NegativeInfinity;
        for (int i = 0; i < strengths.Length; i++)
        {
            double heldOut = second.Count == 0 ? double.NaN : WorstGroup(z, searchWeights[i], searchBiases[i], labels, groups, second, validation.GroupCount);
            Report(1, ProgressSteps, FormattableString.Invariant($"last layer, C = {strengths[i]}"), heldOut);
            if (heldOut > bestHeldOut)
            {
                bestHeldOut = heldOut;
                bestC = strengths[i];
            }
        }

        string final = FormattableString.Invariant($"final last layer, C = {bestC}");
        (Tensor weights, Tensor biases) = FitAveraged(z, labels, groups, Enumerable.Range(0, labels.Length).ToList(), classes, new[] { bestC }, options.DfrSubsets, StableSeed.Combine(seed, 0xDF2), out int perGroup, step => Report(2, step, final, null));
        Tensor weight = weights[0];
        Tensor bias = biases[0];

        // logits = W (x - mean) / std + b = (W / std) x + (b - W mean / std)
        using (no_grad())
        {
            Tensor folded = weight / std.unsqueeze(0);
            Tensor foldedBias = bias - (folded * mean.unsqueeze(0)).sum(dim: 1);
            network.Head.weight!.copy_(folded.to(ScalarType.Float32).to(network.Head.weight.device));
            network.Head.bias!.copy_(foldedBias.to(ScalarType.Float32).to(network.Head.bias.device));
        }

        double worstGroup = validation.Accuracies(network, device, options.CancellationToken).WorstGroup;
        return new DfrSummary(bestC, bestHeldOut, worstGroup, options.DfrSubsets, perGroup);
    }

    /// <summary>
    /// For every strength in <paramref name="strengths"/>, the average of the layers fitted on the same
    /// <paramref name="subsets"/> random group-balanced subsets of <paramref name="rows"/>: all
    /// strengths x subsets problems solved together, as one batch of matrix products per iteration.
    /// </summary>
    /// <returns>Per strength, the averaged weight [classes, features] and bias [classes].</returns>
    internal static (Tensor Weights, Tensor Biases) FitAveraged(Tensor z, int[] labels, int[] groups, List<int> rows, int classes, double[] strengths, int subsets, int seed, out int perGroup, Action<int> progress)
    {
        long[] chosen = BalancedSubsets(rows, groups, subsets, seed, out perGroup);
        long n = chosen.Length / subsets;
        long d = z.shape[1];
        int strengthCount = strengths.Length;
        long outputs = strengthCount * classes;
        // Every strength's K rows of weights sit side by side in one [C K, d] matrix per subset, so each
        // iteration is two batched products over the S subsets with C K columns, with no copy of the
        // features per strength (a [C, S, ...] batch broadcast over x would copy it twice an iteration).
        Tensor index = tensor(chosen);
        Tensor x = z.index_select(0, index).view(subsets, n, d);                                                               // [S, n, d]
        Tensor target = nn.functional.one_hot(tensor(chosen.Select(r => (long)labels[r]).ToArray()), classes).to(ScalarType.Float64).view(subsets, n, 1, classes); // [S, n, 1, K]
        Tensor step = (0.5 * (x * x).sum(2).mean(new long[] { 1 }, keepdim: true) + 1e-6).reciprocal().unsqueeze(-1);     // [S, 1, 1]: 1 / Lipschitz per subset
        Tensor threshold = step.unsqueeze(-1) / (tensor(strengths, ScalarType.Float64).view(1, strengthCount, 1, 1) * n); // [S, C, 1, 1]
        Tensor negativeThreshold = -threshold;
        Tensor stepPerRow = step.unsqueeze(-1) / n;                                                                            // [S, 1, 1, 1]: the mean's 1 / n with the step
        Tensor w = zeros(new long[] { subsets, outputs, d }, ScalarType.Float64);                                              // [S, C K, d]
        Tensor b = zeros(new long[] { subsets, 1, outputs }, ScalarType.Float64);                                              // [S, 1, C K]
        Tensor wByStrength = w.view(subsets, strengthCount, classes, d);                                                      // [S, C, K, d], the same memory
        int every = Iterations / ProgressSteps;
        for (int i = 0; i < Iterations; i++)
        {
            using (NewDisposeScope())
            {
                // Mean cross-entropy + ||W||_1 / (C n) by proximal gradient (ISTA), every problem at once:
                // a gradient step, then soft-thresholding (w - clamp(w, -t, t) = sign(w) max(|w| - t, 0)).
                Tensor logits = x.bmm(w.transpose(1, 2)).add_(b).view(subsets, n, strengthCount, classes);                    // [S, n, C, K]
                Tensor scaledError = nn.functional.softmax(logits, -1).sub_(target).mul_(stepPerRow).view(subsets, n, outputs); // step x error, [S, n, C K]
                b.sub_(scaledError.sum(1, keepdim: true));
                w.sub_(scaledError.transpose(1, 2).bmm(x));
                wByStrength.sub_(wByStrength.clamp(negativeThreshold, threshold));
            }

            if ((i + 1) % every == 0)
            {
                progress((i + 1) / every);
            }
        }

        return (wByStrength.mean(new long[] { 0 }), b.view(subsets, strengthCount, classes).mean(new long[] { 0 }));
    }

    /// <summary>
    /// <paramref name="subsets"/> random group-balanced subsets of <paramref name="rows"/>: each holds
    /// <paramref name="perGroup"/> rows (the smallest group's size) drawn from every group, in the groups' order of first appearance.
    /// </summary>
    /// <returns>The subsets' rows, one subset after the other.</returns>
    internal static long[] BalancedSubsets(List<int> rows, int[] groups, int subsets, int seed, out int perGroup)
    {
        var byGroup = rows.GroupBy(r => groups[r]).Select(g => g.ToArray()).ToArray();
        perGroup = byGroup.Min(g => g.Length);
        var random = new Random(seed);
        var chosen = new List<long>();
        for (int s = 0; s < subsets; s++)
        {
            foreach (int[] members in byGroup)
            {
                int[] copy = (int[])members.Clone();
                random.Shuffle(copy);
                chosen.AddRange(copy.Take(perGroup).Select(r => (long)r));
            }
        }

        return chosen.ToArray();
    }

    private static double WorstGroup(Tensor z, Tensor w, Tensor b, int[] labels, int[] groups, List<int> rows, int groupCount)
    {
        Tensor x = z.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
        long[] predictions = (x.matmul(w.t()) + b).argmax(1).data<long>().ToArray();
        bool[] correct = predictions.Select((p, i) => p == labels[rows[i]]).ToArray();
        return GroupAccuracies.Compute(rows.Select(r => groups[r]).ToArray(), correct, groupCount).WorstGroup;
    }
}
