using System.Globalization;
using System.Text;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments;

/// <summary>Experiment results as markdown: per (bias rate, severity), the mean and standard deviation over seeds.</summary>
public static class ResultsMarkdown
{
    /// <summary>
    /// Markdown: the number of cells and their total compute time, then one section per (bias rate,
    /// severity) in increasing order: the cells and their
    /// compute time; mean worst-group accuracy as a method x strategy matrix (the best strategy of
    /// each method in bold); a link to the section's chart when <paramref name="chartFolder"/> is
    /// given (named by <see cref="ResultsCharts.FileName"/>, drawn by <see cref="ResultsCharts.Write"/>); then every
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
        IGrouping<(double BiasRate, int Severity), ExperimentResult>[] settings = BySetting(results).ToArray();
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
                sb.Append(CultureInfo.InvariantCulture, $"![Worst-group accuracy at bias rate {setting.Key.BiasRate}, severity {setting.Key.Severity}]({folder}{ResultsCharts.FileName(setting.Key.BiasRate, setting.Key.Severity)})\n\n");
            }

            sb.Append("| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n");
            sb.Append("| --- | ---: | ---: | ---: |\n");
            foreach (IGrouping<(SyntheticStrategy, TrainingMethod), ExperimentResult> row in cells.GroupBy(r => (r.Cell.Strategy, r.Cell.Method)).OrderBy(g => g.Key))
            {
                sb.Append(CultureInfo.InvariantCulture, $"| {row.First().Cell.Name} | {SeedStatistics.Format(row.Select(r => r.WorstGroupAccuracy))} | {SeedStatistics.Format(row.Select(r => r.BalancedAccuracy))} | {row.Count()} |\n");
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The results grouped by (bias rate, severity), in increasing order: the sections of the markdown and the charts.</summary>
    internal static IEnumerable<IGrouping<(double BiasRate, int Severity), ExperimentResult>> BySetting(IEnumerable<ExperimentResult> results) =>
        results.GroupBy(r => (r.Cell.BiasRate, r.Cell.Severity)).OrderBy(g => g.Key.BiasRate).ThenBy(g => g.Key.Severity);

    private static void AppendMatrix(StringBuilder sb, ExperimentResult[] cells)
    {
        SyntheticStrategy[] strategies = cells.Select(r => r.Cell.Strategy).Distinct().Order().ToArray();
        sb.Append("| Mean worst-group accuracy | ").Append(string.Join(" | ", strategies.Select(Spelling.Strategies.Display))).Append(" |\n");
        sb.Append("| ---").Append(string.Concat(strategies.Select(_ => " | ---:"))).Append(" |\n");
        foreach (IGrouping<TrainingMethod, ExperimentResult> method in cells.GroupBy(r => r.Cell.Method).OrderBy(g => g.Key))
        {
            string?[] means = strategies.Select(s => method.Where(r => r.Cell.Strategy == s).Select(r => r.WorstGroupAccuracy).ToArray() is { Length: > 0 } v
                ? SeedStatistics.Compute(v).Mean.ToString("0.000", CultureInfo.InvariantCulture)
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
}
