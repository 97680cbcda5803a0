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

    /// <summary>The phase name in progress reports.</summary>
    public const string PhaseName = "dfr";

    public static DfrSummary Apply(ImageNetwork network, Device device, ValidationData validation, FfrTrainerOptions options, int seed, TrainingClock clock)
    {
        using var scope = NewDisposeScope();
        Tensor features = Features(network, validation.Images, device);
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

        // Progress: one round per strength C, then the final fit; a step per balanced subset.
        int rounds = options.DfrRegularization.Length + 1;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        void Report(int round, int subset, double c, double? heldOut)
        {
            options.CancellationToken.ThrowIfCancellationRequested();
            int done = (round - 1) * options.DfrSubsets + subset;
            int total = rounds * options.DfrSubsets;
            TimeSpan remaining = done == 0 ? TimeSpan.Zero : watch.Elapsed / done * (total - done);
            options.Progress?.Report(new TrainingProgress(PhaseName, round, rounds, subset, options.DfrSubsets, double.NaN, heldOut, null, clock.Elapsed, remaining)
            {
                Detail = round < rounds ? FormattableString.Invariant($"last layer, C = {c}") : FormattableString.Invariant($"final last layer, C = {c}"),
            });
        }

        double bestC = options.DfrRegularization[0];
        double bestHeldOut = double.NegativeInfinity;
        for (int round = 1; round < rounds; round++)
        {
            double c = options.DfrRegularization[round - 1];
            (Tensor w, Tensor b) = FitAveraged(z, labels, groups, first, classes, c, options.DfrSubsets, StableSeed.Combine(seed, 0xDF1), out _, s => Report(round, s, c, null));
            double heldOut = second.Count == 0 ? double.NaN : WorstGroup(z, w, b, labels, groups, second, validation.GroupCount);
            Report(round, options.DfrSubsets, c, heldOut);
            if (heldOut > bestHeldOut)
            {
                bestHeldOut = heldOut;
                bestC = c;
            }
        }

        (Tensor weight, Tensor bias) = FitAveraged(z, labels, groups, Enumerable.Range(0, labels.Length).ToList(), classes, bestC, options.DfrSubsets, StableSeed.Combine(seed, 0xDF2), out int perGroup, s => Report(rounds, s, bestC, null));

        // logits = W (x - mean) / std + b = (W / std) x + (b - W mean / std)
        using (no_grad())
        {
            Tensor folded = weight / std.unsqueeze(0);
            Tensor foldedBias = bias - (folded * mean.unsqueeze(0)).sum(dim: 1);
            network.Head.weight!.copy_(folded.to(ScalarType.Float32).to(network.Head.weight.device));
            network.Head.bias!.copy_(foldedBias.to(ScalarType.Float32).to(network.Head.bias.device));
        }

        long[] predictions = PhaseRunner.Predict(network, validation.Images, device);
        bool[] correct = predictions.Select((p, i) => p == labels[i]).ToArray();
        double final = GroupAccuracies.Compute(groups, correct, validation.GroupCount).WorstGroup;
        return new DfrSummary(bestC, bestHeldOut, final, options.DfrSubsets, perGroup);
    }

    private static Tensor Features(ImageNetwork network, Tensor images, Device device)
    {
        network.Eval();
        var chunks = new List<Tensor>();
        using (no_grad())
        {
            for (long start = 0; start < images.shape[0]; start += 256)
            {
                long length = Math.Min(256, images.shape[0] - start);
                chunks.Add(network.Features(images.narrow(0, start, length).to(device)).cpu().to(ScalarType.Float64));
            }
        }

        return cat(chunks, 0);
    }

    /// <summary>Averages the layers fitted on <paramref name="subsets"/> random group-balanced subsets of <paramref name="rows"/>.</summary>
    private static (Tensor Weight, Tensor Bias) FitAveraged(Tensor z, int[] labels, int[] groups, List<int> rows, int classes, double c, int subsets, int seed, out int perGroup, Action<int> subsetDone)
    {
        var byGroup = rows.GroupBy(r => groups[r]).Select(g => g.ToArray()).ToArray();
        perGroup = byGroup.Min(g => g.Length);
        var random = new Random(seed);
        Tensor weight = zeros(classes, z.shape[1], ScalarType.Float64);
        Tensor bias = zeros(classes, ScalarType.Float64);
        for (int s = 0; s < subsets; s++)
        {
            var subset = new List<int>();
            foreach (int[] members in byGroup)
            {
                int[] copy = (int[])members.Clone();
                random.Shuffle(copy);
                subset.AddRange(copy.Take(perGroup));
            }

            (Tensor w, Tensor b) = FitL1Logistic(z, labels, subset, classes, c);
            weight += w;
            bias += b;
            subsetDone(s + 1);
        }

        return (weight / subsets, bias / subsets);
    }

    /// <summary>Multinomial logistic regression, mean cross-entropy + ||W||_1 / (C n), by proximal gradient (ISTA).</summary>
    private static (Tensor Weight, Tensor Bias) FitL1Logistic(Tensor z, int[] labels, List<int> rows, int classes, double c)
    {
        Tensor x = z.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
        Tensor target = nn.functional.one_hot(tensor(rows.Select(r => (long)labels[r]).ToArray()), classes).to(ScalarType.Float64);
        long n = x.shape[0];
        double lipschitz = 0.5 * (x * x).sum(1).mean().item<double>() + 1e-6;
        double step = 1.0 / lipschitz;
        double threshold = step / (c * n);
        Tensor w = zeros(classes, x.shape[1], ScalarType.Float64);
        Tensor b = zeros(classes, ScalarType.Float64);
        for (int i = 0; i < Iterations; i++)
        {
            using var scope = NewDisposeScope();
            Tensor p = nn.functional.softmax(x.matmul(w.t()) + b, 1);
            Tensor error = (p - target) / n;
            Tensor next = w - step * error.t().matmul(x);
            Tensor shrunk = next.sign() * (next.abs() - threshold).clamp_min(0);
            w.copy_(shrunk);
            b.sub_(step * error.sum(dim: 0));
        }

        return (w, b);
    }

    private static double WorstGroup(Tensor z, Tensor w, Tensor b, int[] labels, int[] groups, List<int> rows, int groupCount)
    {
        Tensor x = z.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));
        long[] predictions = (x.matmul(w.t()) + b).argmax(1).data<long>().ToArray();
        bool[] correct = predictions.Select((p, i) => p == labels[rows[i]]).ToArray();
        return GroupAccuracies.Compute(rows.Select(r => groups[r]).ToArray(), correct, groupCount).WorstGroup;
    }
}
