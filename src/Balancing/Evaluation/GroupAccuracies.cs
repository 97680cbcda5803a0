namespace Ffr.MLNet.Evaluation;

/// <summary>
/// Accuracy per group and the method's figures of merit: worst-group accuracy (minimum over the
/// non-empty groups), balanced accuracy (their unweighted mean) and plain accuracy. Empty groups
/// have NaN accuracy and are left out of both.
/// </summary>
internal sealed class GroupAccuracies
{
    private GroupAccuracies(double[] perGroup, long[] counts, long[] right, double accuracy)
    {
        PerGroup = perGroup;
        Counts = counts;
        Right = right;
        Accuracy = accuracy;
        double[] present = perGroup.Where(a => !double.IsNaN(a)).ToArray();
        WorstGroup = present.Length == 0 ? double.NaN : present.Min();
        Balanced = present.Length == 0 ? double.NaN : present.Average();
    }

    public double[] PerGroup { get; }

    public long[] Counts { get; }

    /// <summary>Rows predicted correctly, per group.</summary>
    public long[] Right { get; }

    public double WorstGroup { get; }

    public double Balanced { get; }

    public double Accuracy { get; }

    public static GroupAccuracies Compute(ReadOnlySpan<int> groups, ReadOnlySpan<bool> correct, int groupCount)
    {
        if (groups.Length != correct.Length)
        {
            throw new ArgumentException($"{groups.Length} group indices for {correct.Length} predictions.", nameof(correct));
        }

        var right = new long[groupCount];
        var counts = new long[groupCount];
        long total = 0;
        for (int i = 0; i < groups.Length; i++)
        {
            counts[groups[i]]++;
            if (correct[i])
            {
                right[groups[i]]++;
                total++;
            }
        }

        double[] perGroup = new double[groupCount];
        for (int g = 0; g < groupCount; g++)
        {
            perGroup[g] = counts[g] == 0 ? double.NaN : (double)right[g] / counts[g];
        }

        return new GroupAccuracies(perGroup, counts, right, groups.Length == 0 ? double.NaN : (double)total / groups.Length);
    }
}
