using System.Globalization;
using System.Text;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.IO;
using Ffr.MLNet.Naming;
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

    /// <summary>The header with each cell's cost (<see cref="ExperimentCost"/>) after the results; files with the shorter header are read as before.</summary>
    private const string CostHeader = Header + ",trainingSeconds,syntheticImages,peakMemoryBytes";

    /// <summary>
    /// Adds one result to a CSV file, writing the header first when the file is new. The file is
    /// replaced atomically (<see cref="AtomicFile"/>), so a kill or a full disk never leaves a torn
    /// line: the file holds either the results before or the results after.
    /// </summary>
    public static void Append(string path, ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(result);
        string before = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        if (before.Length == 0)
        {
            before = (result.Cost is null ? Header : CostHeader) + "\n";
        }
        else if (!before.EndsWith('\n'))
        {
            before += "\n";
        }

        bool withCost = before.StartsWith(CostHeader + "\n", StringComparison.Ordinal);
        if (withCost && result.Cost is null)
        {
            throw new ArgumentException($"'{path}' records each cell's cost; this result has none.", nameof(result));
        }

        AtomicFile.WriteText(path, before + Line(result, withCost) + "\n");
    }

    /// <summary>Reads the results of a CSV file written by <see cref="Append"/>; an absent file has none.</summary>
    /// <exception cref="InvalidDataException">The file is not a results file, or a field is not a valid value; the message names the file, the line and the column.</exception>
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

        if (lines[0] != Header && lines[0] != CostHeader)
        {
            throw new InvalidDataException($"'{path}' is not a results file: its header is '{Shorten(lines[0])}', expected '{Header}'. Use another --out folder or delete the file.");
        }

        string[] columns = lines[0].Split(',');
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] f = lines[i].Split(',');
            if (f.Length != columns.Length)
            {
                throw new InvalidDataException($"'{path}' line {i + 1} has {f.Length} fields; expected {columns.Length}. Delete the line to recompute that cell.");
            }

            var field = new FieldReader(path, i + 1, columns, f);
            var cell = new ExperimentCell(field.Double(0, 0, 1), field.Int(1, 0), field.Name(2, Spelling.Strategies), field.Name(3, Spelling.Methods), field.Int(4, int.MinValue));
            results.Add(new ExperimentResult(cell, field.Double(5, 0, 1), field.Double(6, 0, 1), field.Double(7, 0, 1), field.Double(8, 0, 1), field.Double(9, 0, double.MaxValue))
            {
                Cost = columns.Length > 10 ? new ExperimentCost(field.Double(10, 0, double.MaxValue), field.Long(11), field.Long(12)) : null,
            });
        }

        return results;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";

    /// <summary>Parses the fields of one results line; a bad field is named by file, line and column.</summary>
    private readonly struct FieldReader(string path, int line, string[] columns, string[] fields)
    {
        public double Double(int index, double min, double max)
        {
            string text = fields[index];
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max
                ? value
                : throw Bad(index, max == double.MaxValue ? $"a number of at least {min}" : $"a number from {min} to {max}");
        }

        public long Long(int index) =>
            long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= 0
                ? value
                : throw Bad(index, "a whole number of at least 0");

        public int Int(int index, int min) =>
            int.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min
                ? value
                : throw Bad(index, min == int.MinValue ? "a whole number" : $"a whole number of at least {min}");

        public TEnum Name<TEnum>(int index, NameTable<TEnum> names)
            where TEnum : struct, Enum =>
            names.TryParse(fields[index], out TEnum value) ? value : throw Bad(index, "one of " + string.Join(", ", names.Tokens));

        private InvalidDataException Bad(int index, string expected) =>
            new($"'{path}' line {line}, column '{columns[index]}': '{Shorten(fields[index])}' is not {expected}. Fix the value, or delete the line to recompute that cell.");
    }

    /// <summary>
    /// Markdown: the number of cells and their total compute time, then one section per (bias rate,
    /// severity) in increasing order: the cells and their
    /// compute time; mean worst-group accuracy as a method x strategy matrix (the best strategy of
    /// each method in bold); a link to the section's chart when <paramref name="chartFolder"/> is
    /// given (named by <see cref="ChartFileName"/>, drawn by <see cref="WriteCharts"/>); then every
    /// strategy-method with worst-group and balanced test accuracy as mean ± standard deviation over
    /// seeds. Rows follow the enums' order, so the same results give the same text whatever the
    /// order of the CSV.
    /// </summary>
    /// <param name="results">The results.</param>
    /// <param name="chartFolder">The charts' folder relative to the markdown file (forward slashes), or null for no charts.</param>
    public static string ToMarkdown(IEnumerable<ExperimentResult> results, string? chartFolder = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var sb = new StringBuilder();
        IGrouping<(double BiasRate, int Severity), ExperimentResult>[] settings = Settings(results).ToArray();
        ExperimentResult[] all = settings.SelectMany(g => g).ToArray();
        sb.Append(CultureInfo.InvariantCulture, $"{all.Length} cells in {settings.Length} settings, {all.Sum(c => c.Seconds) / 60:0.0} minutes of training and evaluation in all (the sum of the cells' wall times).\n\n");
        foreach (IGrouping<(double BiasRate, int Severity), ExperimentResult> setting in settings)
        {
            ExperimentResult[] cells = setting.ToArray();
            sb.Append(CultureInfo.InvariantCulture, $"### Bias rate {setting.Key.BiasRate}, synthetic signature severity {setting.Key.Severity}\n\n");
            sb.Append(CultureInfo.InvariantCulture, $"{cells.Length} cells, {cells.Sum(c => c.Seconds) / 60:0.0} minutes of training and evaluation.\n\n");
            AppendMatrix(sb, cells);
            if (chartFolder is not null)
            {
                string folder = chartFolder.Length == 0 || chartFolder.EndsWith('/') ? chartFolder : chartFolder + "/";
                sb.Append(CultureInfo.InvariantCulture, $"![Worst-group accuracy at bias rate {setting.Key.BiasRate}, severity {setting.Key.Severity}]({folder}{ChartFileName(setting.Key.BiasRate, setting.Key.Severity)})\n\n");
            }

            sb.Append("| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n");
            sb.Append("| --- | ---: | ---: | ---: |\n");
            foreach (IGrouping<(SyntheticStrategy, TrainingMethod), ExperimentResult> row in cells.GroupBy(r => (r.Cell.Strategy, r.Cell.Method)).OrderBy(g => g.Key))
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {row.First().Cell.Name} | {MeanStd(row.Select(r => r.WorstGroupAccuracy))} | {MeanStd(row.Select(r => r.BalancedAccuracy))} | {row.Count()} |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The chart file of one (bias rate, severity): "worst-group-r0.99-s3.png".</summary>
    public static string ChartFileName(double biasRate, int severity) =>
        string.Create(CultureInfo.InvariantCulture, $"worst-group-r{biasRate}-s{severity}.png");

    /// <summary>
    /// Draws one chart per (bias rate, severity) into <paramref name="folder"/>: mean worst-group
    /// accuracy with a standard-deviation whisker, one group of bars per method, one bar per strategy.
    /// </summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> WriteCharts(IEnumerable<ExperimentResult> results, string folder)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(folder);
        var files = new List<string>();
        foreach (IGrouping<(double BiasRate, int Severity), ExperimentResult> setting in Settings(results))
        {
            string path = Path.Combine(folder, ChartFileName(setting.Key.BiasRate, setting.Key.Severity));
            string title = string.Create(CultureInfo.InvariantCulture, $"Test worst-group accuracy, bias rate {setting.Key.BiasRate}, signature severity {setting.Key.Severity} (mean ± sd over seeds)");
            WriteChart(setting, title, path);
            files.Add(path);
        }

        return files;
    }

    /// <summary>
    /// One chart of <paramref name="results"/>: mean worst-group accuracy with a standard-deviation
    /// whisker, one group of bars per method, one bar per strategy.
    /// </summary>
    public static void WriteChart(IEnumerable<ExperimentResult> results, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        ExperimentResult[] cells = results.ToArray();
        TrainingMethod[] methods = cells.Select(r => r.Cell.Method).Distinct().Order().ToArray();
        SyntheticStrategy[] strategies = cells.Select(r => r.Cell.Strategy).Distinct().Order().ToArray();
        var series = strategies.Select(s => (Spelling.Strategies.Display(s), (IReadOnlyList<(double, double)>)methods.Select(m =>
        {
            double[] v = cells.Where(r => r.Cell.Strategy == s && r.Cell.Method == m).Select(r => r.WorstGroupAccuracy).ToArray();
            return v.Length == 0 ? (double.NaN, double.NaN) : OverSeeds(v);
        }).ToArray())).ToArray();
        Reports.Charts.GroupedBars(title, methods.Select(Spelling.Methods.Display).ToArray(), series, path);
    }

    private static IEnumerable<IGrouping<(double BiasRate, int Severity), ExperimentResult>> Settings(IEnumerable<ExperimentResult> results) =>
        results.GroupBy(r => (r.Cell.BiasRate, r.Cell.Severity)).OrderBy(g => g.Key.BiasRate).ThenBy(g => g.Key.Severity);

    private static void AppendMatrix(StringBuilder sb, ExperimentResult[] cells)
    {
        SyntheticStrategy[] strategies = cells.Select(r => r.Cell.Strategy).Distinct().Order().ToArray();
        sb.Append("| Mean worst-group accuracy | ").Append(string.Join(" | ", strategies.Select(Spelling.Strategies.Display))).Append(" |\n");
        sb.Append("| ---").Append(string.Concat(strategies.Select(_ => " | ---:"))).Append(" |\n");
        foreach (IGrouping<TrainingMethod, ExperimentResult> method in cells.GroupBy(r => r.Cell.Method).OrderBy(g => g.Key))
        {
            string?[] means = strategies.Select(s => method.Where(r => r.Cell.Strategy == s).Select(r => r.WorstGroupAccuracy).ToArray() is { Length: > 0 } v
                ? OverSeeds(v).Mean.ToString("0.000", CultureInfo.InvariantCulture)
                : null).ToArray();
            string best = means.OfType<string>().MaxBy(m => double.Parse(m, CultureInfo.InvariantCulture))!;
            sb.Append("| ").Append(Spelling.Methods.Display(method.Key));
            foreach (string? mean in means)
            {
                sb.Append(" | ").Append(mean is null ? "-" : mean == best ? $"**{mean}**" : mean);
            }

            sb.Append(" |\n");
        }

        sb.Append('\n');
    }

    /// <summary>The line that opens the generated part of a results page.</summary>
    public const string GeneratedBegin = "<!-- Generated by 'ffr results' from the CSV: edits between these markers are overwritten. -->";

    /// <summary>The line that closes the generated part of a results page.</summary>
    public const string GeneratedEnd = "<!-- End of the generated part. -->";

    /// <summary>
    /// Puts <paramref name="generated"/> between the page's <see cref="GeneratedBegin"/> and
    /// <see cref="GeneratedEnd"/> lines, keeping everything around them; a page without the markers
    /// gets them, with the generated text, at its end.
    /// </summary>
    /// <returns>The new page.</returns>
    public static string ReplaceGenerated(string page, string generated)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(generated);
        string block = GeneratedBegin + "\n\n" + generated.TrimEnd('\n') + "\n\n" + GeneratedEnd;
        (int begin, int end) = Markers(page);
        if (begin < 0 && end < 0)
        {
            return page.TrimEnd('\n') + (page.Length == 0 ? string.Empty : "\n\n") + block + "\n";
        }

        if (begin < 0 || end < begin)
        {
            throw new InvalidDataException($"The page has {(begin < 0 ? "the end marker without the begin marker" : "the end marker before the begin marker")}; put '{GeneratedBegin}' before '{GeneratedEnd}', or remove both to append the results.");
        }

        return page[..begin] + block + page[(end + GeneratedEnd.Length)..];
    }

    /// <summary>The text between a page's markers as <see cref="ReplaceGenerated"/> wrote it, or null when it has none.</summary>
    public static string? ReadGenerated(string page)
    {
        ArgumentNullException.ThrowIfNull(page);
        (int begin, int end) = Markers(page);
        return begin < 0 || end < begin ? null : page[(begin + GeneratedBegin.Length)..end].Trim('\n') + "\n";
    }

    private static (int Begin, int End) Markers(string page) =>
        (page.IndexOf(GeneratedBegin, StringComparison.Ordinal), page.IndexOf(GeneratedEnd, StringComparison.Ordinal));

    /// <summary>"0.812 ± 0.034" (sample standard deviation; ± 0.000 for one seed).</summary>
    public static string MeanStd(IEnumerable<double> values)
    {
        (double mean, double std) = OverSeeds(values.ToArray());
        return string.Create(CultureInfo.InvariantCulture, $"{mean:0.000} ± {std:0.000}");
    }

    /// <summary>Mean and sample standard deviation over seeds; 0 for one seed.</summary>
    public static (double Mean, double Std) OverSeeds(double[] values) => (values.Mean(), values.Length > 1 ? values.StandardDeviation() : 0);

    private static string Line(ExperimentResult r, bool withCost) => string.Join(',', Fields(r).Concat(withCost ? CostFields(r.Cost!) : Array.Empty<string>()));

    private static IEnumerable<string> CostFields(ExperimentCost c) => new[]
    {
        c.TrainingSeconds.ToString("0.0", CultureInfo.InvariantCulture), c.SyntheticImages.ToString(CultureInfo.InvariantCulture), c.PeakMemoryBytes.ToString(CultureInfo.InvariantCulture),
    };

    private static IEnumerable<string> Fields(ExperimentResult r) => new[]
    {
        r.Cell.BiasRate.ToString("R", CultureInfo.InvariantCulture),
        r.Cell.Severity.ToString(CultureInfo.InvariantCulture),
        Spelling.Strategies.Token(r.Cell.Strategy),
        Spelling.Methods.Token(r.Cell.Method),
        r.Cell.Seed.ToString(CultureInfo.InvariantCulture),
        r.WorstGroupAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.BalancedAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.Accuracy.ToString("R", CultureInfo.InvariantCulture),
        r.ValidationWorstGroupAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
    };
}
