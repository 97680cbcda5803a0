using System.Globalization;
using System.Text;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;
using MathNet.Numerics.Statistics;

namespace Ffr.MLNet.Experiments;

/// <summary>
/// Experiment results as CSV (one row per cell: the reproduction grid's resumable record) and as a
/// markdown table of the mean and standard deviation over seeds.
/// </summary>
public static class ResultsTable
{
    private const string Header = "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds";

    /// <summary>Appends one result to a CSV file, writing the header first when the file is new.</summary>
    public static void Append(string path, ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(result);
        bool fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        using var writer = new StreamWriter(path, append: true, new UTF8Encoding(false));
        if (fresh)
        {
            writer.Write(Header + "\n");
        }

        writer.Write(Line(result) + "\n");
    }

    /// <summary>Reads the results of a CSV file written by <see cref="Append"/>; an absent file has none.</summary>
    public static List<ExperimentResult> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var results = new List<ExperimentResult>();
        if (!File.Exists(path))
        {
            return results;
        }

        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            return results;
        }

        if (lines[0] != Header)
        {
            throw new InvalidDataException($"'{path}' is not a results file: its header is '{lines[0]}', expected '{Header}'. Use another --out folder or delete the file.");
        }

        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] f = lines[i].Split(',');
            if (f.Length != 10)
            {
                throw new InvalidDataException($"'{path}' line {i + 1} has {f.Length} fields; expected 10. Delete the line to recompute that cell.");
            }

            static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
            var cell = new ExperimentCell(D(f[0]), int.Parse(f[1], CultureInfo.InvariantCulture), Enum.Parse<SyntheticStrategy>(f[2], true), Enum.Parse<TrainingMethod>(f[3], true), int.Parse(f[4], CultureInfo.InvariantCulture));
            results.Add(new ExperimentResult(cell, D(f[5]), D(f[6]), D(f[7]), D(f[8]), D(f[9])));
        }

        return results;
    }

    /// <summary>
    /// A markdown table per (bias rate, severity): rows strategy-method in the order first seen,
    /// worst-group and balanced test accuracy as mean ± standard deviation over seeds, and the
    /// number of seeds. Deterministic for the same results.
    /// </summary>
    public static string ToMarkdown(IEnumerable<ExperimentResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        foreach (IGrouping<(double BiasRate, int Severity), ExperimentResult> setting in results.GroupBy(r => (r.Cell.BiasRate, r.Cell.Severity)).OrderBy(g => g.Key.BiasRate).ThenBy(g => g.Key.Severity))
        {
            sb.Append(CultureInfo.InvariantCulture, $"### Bias rate {setting.Key.BiasRate}, synthetic signature severity {setting.Key.Severity}\n\n");
            sb.Append("| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n");
            sb.Append("| --- | ---: | ---: | ---: |\n");
            foreach (IGrouping<string, ExperimentResult> row in setting.GroupBy(r => r.Cell.Name))
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {row.Key} | {MeanStd(row.Select(r => r.WorstGroupAccuracy))} | {MeanStd(row.Select(r => r.BalancedAccuracy))} | {row.Count()} |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>"0.812 ± 0.034" (sample standard deviation; ± 0.000 for one seed).</summary>
    public static string MeanStd(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        double mean = v.Mean();
        double std = v.Length > 1 ? v.StandardDeviation() : 0;
        return string.Create(CultureInfo.InvariantCulture, $"{mean:0.000} ± {std:0.000}");
    }

    private static string Line(ExperimentResult r) => string.Join(',',
        r.Cell.BiasRate.ToString("R", CultureInfo.InvariantCulture),
        r.Cell.Severity.ToString(CultureInfo.InvariantCulture),
        r.Cell.Strategy.ToString().ToLowerInvariant(),
        r.Cell.Method.ToString().ToLowerInvariant(),
        r.Cell.Seed.ToString(CultureInfo.InvariantCulture),
        r.WorstGroupAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.BalancedAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.Accuracy.ToString("R", CultureInfo.InvariantCulture),
        r.ValidationWorstGroupAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
}
