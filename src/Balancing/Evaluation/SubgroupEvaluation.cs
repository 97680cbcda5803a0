// Over 250 lines: one result type: its computation (with the bootstrap), its table and its JSON form.
using System.Globalization;
using System.Text.Json;
using Ffr.MLNet.Subgroups;
using MathNet.Numerics.Statistics;

namespace Ffr.MLNet.Evaluation;

/// <summary>A bootstrap percentile interval.</summary>
/// <param name="Lower">The lower bound.</param>
/// <param name="Upper">The upper bound.</param>
public readonly record struct ConfidenceInterval(double Lower, double Upper)
{
    /// <summary>True when <paramref name="value"/> lies within the bounds.</summary>
    public bool Contains(double value) => value >= Lower && value <= Upper;
}

/// <summary>Accuracy of one subgroup.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Attribute">The attribute value.</param>
/// <param name="Count">Rows of the subgroup.</param>
/// <param name="Correct">Rows predicted correctly.</param>
/// <param name="Accuracy">Correct / Count; NaN for an empty subgroup.</param>
/// <param name="Interval">Bootstrap interval of the accuracy; null for an empty subgroup.</param>
/// <param name="BiasAligned">True when the attribute is the class's bias-aligned one (known when a training report was given).</param>
public sealed record SubgroupAccuracy(string Label, string Attribute, long Count, long Correct, double Accuracy, ConfidenceInterval? Interval, bool? BiasAligned);

/// <summary>
/// Subgroup evaluation of a scored dataset: per-subgroup accuracy, worst-group accuracy (the
/// method's figure of merit), balanced accuracy (unweighted mean over non-empty subgroups), plain
/// accuracy, bias-aligned and bias-conflicting accuracy, each with a seeded bootstrap confidence
/// interval (rows resampled with replacement within each subgroup, percentile interval).
/// Empty subgroups are listed with NaN accuracy and left out of the worst and balanced figures.
/// </summary>
public sealed class SubgroupEvaluation
{
    internal SubgroupEvaluation(IReadOnlyList<SubgroupAccuracy> groups, double worst, double balanced, double accuracy, double? aligned, double? conflicting,
        ConfidenceInterval worstInterval, ConfidenceInterval balancedInterval, ConfidenceInterval accuracyInterval, int resamples, double level)
    {
        Groups = groups;
        WorstGroupAccuracy = worst;
        BalancedAccuracy = balanced;
        Accuracy = accuracy;
        BiasAlignedAccuracy = aligned;
        BiasConflictingAccuracy = conflicting;
        WorstGroupInterval = worstInterval;
        BalancedInterval = balancedInterval;
        AccuracyInterval = accuracyInterval;
        Resamples = resamples;
        ConfidenceLevel = level;
    }

    /// <summary>Every subgroup (label x attribute), empty ones included.</summary>
    public IReadOnlyList<SubgroupAccuracy> Groups { get; }

    /// <summary>The lowest accuracy over the non-empty subgroups.</summary>
    public double WorstGroupAccuracy { get; }

    /// <summary>The mean accuracy over the non-empty subgroups.</summary>
    public double BalancedAccuracy { get; }

    /// <summary>Correct rows / rows.</summary>
    public double Accuracy { get; }

    /// <summary>Accuracy over the rows of bias-aligned subgroups; null without a training report.</summary>
    public double? BiasAlignedAccuracy { get; }

    /// <summary>Accuracy over the rows of bias-conflicting subgroups; null without a training report.</summary>
    public double? BiasConflictingAccuracy { get; }

    /// <summary>Bootstrap interval of the worst-group accuracy.</summary>
    public ConfidenceInterval WorstGroupInterval { get; }

    /// <summary>Bootstrap interval of the balanced accuracy.</summary>
    public ConfidenceInterval BalancedInterval { get; }

    /// <summary>Bootstrap interval of the accuracy.</summary>
    public ConfidenceInterval AccuracyInterval { get; }

    /// <summary>Bootstrap resamples drawn.</summary>
    public int Resamples { get; }

    /// <summary>The intervals' confidence level, e.g. 0.95.</summary>
    public double ConfidenceLevel { get; }

    /// <summary>Computes the evaluation from labels, attributes and predictions given row by row.</summary>
    /// <param name="labels">True label of each row.</param>
    /// <param name="attributes">Attribute of each row.</param>
    /// <param name="predicted">Predicted label of each row.</param>
    /// <param name="trainingReport">The training data's subgroup report: defines each class's bias-aligned attribute. Optional.</param>
    /// <param name="resamples">Bootstrap resamples; 0 skips the intervals (they collapse to the point estimate).</param>
    /// <param name="seed">Seed of the bootstrap.</param>
    /// <param name="confidenceLevel">Level of the intervals.</param>
    public static SubgroupEvaluation Compute(IReadOnlyList<string> labels, IReadOnlyList<string> attributes, IReadOnlyList<string> predicted,
        SubgroupReport? trainingReport = null, int resamples = 1000, int seed = 0, double confidenceLevel = 0.95)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(attributes);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        if (!(confidenceLevel > 0 && confidenceLevel < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidenceLevel), confidenceLevel, "The confidence level must be between 0 and 1.");
        }

        if (labels.Count != attributes.Count || labels.Count != predicted.Count)
        {
            throw new ArgumentException($"{labels.Count} labels, {attributes.Count} attributes and {predicted.Count} predictions: every row needs all three.");
        }

        string[] labelValues = SubgroupScan.Sorted(labels.Concat(trainingReport?.Labels ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal));
        string[] attributeValues = SubgroupScan.Sorted(attributes.Concat(trainingReport?.Attributes ?? Array.Empty<string>()).Distinct(StringComparer.Ordinal));
        var labelIndex = labelValues.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
        var attributeIndex = attributeValues.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i, StringComparer.Ordinal);
        int groupCount = labelValues.Length * attributeValues.Length;
        int[] groups = new int[labels.Count];
        bool[] correct = new bool[labels.Count];
        for (int i = 0; i < labels.Count; i++)
        {
            groups[i] = labelIndex[labels[i]] * attributeValues.Length + attributeIndex[attributes[i]];
            correct[i] = string.Equals(labels[i], predicted[i], StringComparison.Ordinal);
        }

        bool?[] aligned = new bool?[groupCount];
        if (trainingReport is not null)
        {
            var majority = trainingReport.Classes.ToDictionary(c => c.Label, c => c.MajorityAttribute, StringComparer.Ordinal);
            for (int g = 0; g < groupCount; g++)
            {
                string label = labelValues[g / attributeValues.Length];
                aligned[g] = majority.TryGetValue(label, out string? attribute) && attribute == attributeValues[g % attributeValues.Length];
            }
        }

        // The figures of one set of rows (the data, or a resample of it): group accuracies computed once, by
        // GroupAccuracies (as in training), and bias-aligned and bias-conflicting accuracy from its counts.
        var rowGroups = new int[labels.Count];
        var rowCorrect = new bool[labels.Count];
        (GroupAccuracies Groups, double? Aligned, double? Conflicting) Measure(int[] rows)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                rowGroups[i] = groups[rows[i]];
                rowCorrect[i] = correct[rows[i]];
            }

            GroupAccuracies measured = GroupAccuracies.Compute(rowGroups.AsSpan(0, rows.Length), rowCorrect.AsSpan(0, rows.Length), groupCount);
            if (trainingReport is null)
            {
                return (measured, null, null);
            }

            long alignedRight = 0, alignedCount = 0, conflictRight = 0, conflictCount = 0;
            for (int g = 0; g < groupCount; g++)
            {
                if (aligned[g] == true)
                {
                    alignedRight += measured.Right[g];
                    alignedCount += measured.Counts[g];
                }
                else
                {
                    conflictRight += measured.Right[g];
                    conflictCount += measured.Counts[g];
                }
            }

            return (measured, alignedCount == 0 ? double.NaN : (double)alignedRight / alignedCount, conflictCount == 0 ? double.NaN : (double)conflictRight / conflictCount);
        }

        int[] all = Enumerable.Range(0, labels.Count).ToArray();
        var point = Measure(all);

        // Stratified bootstrap: each subgroup keeps its size, so no subgroup vanishes from a resample.
        int[][] members = Enumerable.Range(0, groupCount).Select(g => all.Where(r => groups[r] == g).ToArray()).ToArray();
        var random = new Random(seed);
        var worst = new double[resamples];
        var balanced = new double[resamples];
        var accuracy = new double[resamples];
        var perGroupSamples = Enumerable.Range(0, groupCount).Select(_ => new double[resamples]).ToArray();
        var sample = new int[labels.Count];
        for (int b = 0; b < resamples; b++)
        {
            int n = 0;
            foreach (int[] m in members)
            {
                for (int k = 0; k < m.Length; k++)
                {
                    sample[n++] = m[random.Next(m.Length)];
                }
            }

            GroupAccuracies measured = Measure(sample).Groups;
            worst[b] = measured.WorstGroup;
            balanced[b] = measured.Balanced;
            accuracy[b] = measured.Accuracy;
            for (int g = 0; g < groupCount; g++)
            {
                perGroupSamples[g][b] = measured.PerGroup[g];
            }
        }

        double tail = (1 - confidenceLevel) / 2;
        ConfidenceInterval Interval(double[] values, double estimate) => values.Length == 0 || double.IsNaN(estimate)
            ? new ConfidenceInterval(estimate, estimate)
            : new ConfidenceInterval(
                Math.Min(estimate, Statistics.Quantile(values, tail)),
                Math.Max(estimate, Statistics.Quantile(values, 1 - tail)));

        var subgroupList = new List<SubgroupAccuracy>(groupCount);
        for (int g = 0; g < groupCount; g++)
        {
            long count = point.Groups.Counts[g];
            double acc = point.Groups.PerGroup[g];
            subgroupList.Add(new SubgroupAccuracy(labelValues[g / attributeValues.Length], attributeValues[g % attributeValues.Length], count, point.Groups.Right[g], acc,
                count == 0 ? null : Interval(perGroupSamples[g], acc), aligned[g]));
        }

        GroupAccuracies pointGroups = point.Groups;
        return new SubgroupEvaluation(subgroupList, pointGroups.WorstGroup, pointGroups.Balanced, pointGroups.Accuracy, point.Aligned, point.Conflicting,
            Interval(worst, pointGroups.WorstGroup), Interval(balanced, pointGroups.Balanced), Interval(accuracy, pointGroups.Accuracy), resamples, confidenceLevel);
    }

    /// <summary>An aligned table: one row per subgroup, then the summary figures with their intervals.</summary>
    public string ToTable()
    {
        static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("0.000", CultureInfo.InvariantCulture);
        static string I(ConfidenceInterval? i) => i is ConfidenceInterval c ? $"[{F(c.Lower)}, {F(c.Upper)}]" : "-";
        string table = TextTable.Format(
            new[] { "Label", "Attribute", "Count", "Accuracy", "Interval", "Aligned" },
            Groups.Select(g => new[] { g.Label, g.Attribute, g.Count.ToString(CultureInfo.InvariantCulture), F(g.Accuracy), I(g.Interval), g.BiasAligned is bool b ? (b ? "yes" : "no") : "-" }),
            rightAligned: new[] { 2, 3 });
        string level = ConfidenceLevel.ToString("P0", CultureInfo.InvariantCulture).Replace(" ", string.Empty, StringComparison.Ordinal);
        var lines = new List<string>
        {
            table,
            string.Empty,
            $"Worst-group accuracy  {F(WorstGroupAccuracy)}  {I(WorstGroupInterval)}",
            $"Balanced accuracy     {F(BalancedAccuracy)}  {I(BalancedInterval)}",
            $"Accuracy              {F(Accuracy)}  {I(AccuracyInterval)}",
        };
        if (BiasAlignedAccuracy is double a && BiasConflictingAccuracy is double c)
        {
            lines.Add($"Bias-aligned accuracy {F(a)}; bias-conflicting accuracy {F(c)}");
        }

        lines.Add($"({level} bootstrap intervals, {Resamples} resamples within subgroups)");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Reads an evaluation written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not such an evaluation; the message says what is missing.</exception>
    public static SubgroupEvaluation FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement root = document.RootElement;
            static double N(JsonElement e) => e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();
            static double? Optional(JsonElement parent, string name) =>
                parent.TryGetProperty(name, out JsonElement e) && e.ValueKind != JsonValueKind.Null ? e.GetDouble() : null;
            static ConfidenceInterval? I(JsonElement parent, string name) =>
                parent.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.Object
                    ? new ConfidenceInterval(N(e.GetProperty("lower")), N(e.GetProperty("upper")))
                    : null;
            SubgroupAccuracy[] groups = root.GetProperty("groups").EnumerateArray().Select(g => new SubgroupAccuracy(
                g.GetProperty("label").GetString()!, g.GetProperty("attribute").GetString()!, g.GetProperty("count").GetInt64(), g.GetProperty("correct").GetInt64(),
                N(g.GetProperty("accuracy")), I(g, "interval"),
                g.GetProperty("biasAligned").ValueKind == JsonValueKind.Null ? null : g.GetProperty("biasAligned").GetBoolean())).ToArray();
            bool hasReport = groups.Any(g => g.BiasAligned is not null);
            ConfidenceInterval Required(string name) => I(root, name) ?? throw new InvalidDataException($"The evaluation has no '{name}'.");
            return new SubgroupEvaluation(groups, N(root.GetProperty("worstGroupAccuracy")), N(root.GetProperty("balancedAccuracy")), N(root.GetProperty("accuracy")),
                hasReport ? Optional(root, "biasAlignedAccuracy") ?? double.NaN : null, hasReport ? Optional(root, "biasConflictingAccuracy") ?? double.NaN : null,
                Required("worstGroupInterval"), Required("balancedInterval"), Required("accuracyInterval"),
                root.GetProperty("resamples").GetInt32(), root.GetProperty("confidenceLevel").GetDouble());
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"The text is not a subgroup evaluation written by ToJson: {ex.Message}", ex);
        }
    }

    /// <summary>The evaluation as indented JSON (camelCase; NaN for empty subgroups as null).</summary>
    public string ToJson()
    {
        static double? N(double v) => double.IsNaN(v) ? null : v;
        static object? I(ConfidenceInterval? i) => i is ConfidenceInterval c ? new { lower = N(c.Lower), upper = N(c.Upper) } : null;
        return JsonSerializer.Serialize(new
        {
            worstGroupAccuracy = N(WorstGroupAccuracy),
            balancedAccuracy = N(BalancedAccuracy),
            accuracy = N(Accuracy),
            biasAlignedAccuracy = BiasAlignedAccuracy is double a ? N(a) : null,
            biasConflictingAccuracy = BiasConflictingAccuracy is double c ? N(c) : null,
            worstGroupInterval = I(WorstGroupInterval),
            balancedInterval = I(BalancedInterval),
            accuracyInterval = I(AccuracyInterval),
            confidenceLevel = ConfidenceLevel,
            resamples = Resamples,
            groups = Groups.Select(g => new { label = g.Label, attribute = g.Attribute, count = g.Count, correct = g.Correct, accuracy = N(g.Accuracy), interval = I(g.Interval), biasAligned = g.BiasAligned }),
        }, new JsonSerializerOptions { WriteIndented = true });
    }
}
