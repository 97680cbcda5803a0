using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Reports;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments;

/// <summary>Experiment results as PNG charts: mean worst-group accuracy over seeds, one group of bars per method, one bar per strategy.</summary>
public static class ResultsCharts
{
    /// <summary>The chart file of one (bias rate, severity): "worst-group-r0.99-s3.png".</summary>
    public static string FileName(double biasRate, int severity) =>
        string.Create(CultureInfo.InvariantCulture, $"worst-group-r{biasRate}-s{severity}.png");

    /// <summary>
    /// Draws one chart per (bias rate, severity) into <paramref name="folder"/>: mean worst-group
    /// accuracy with a standard-deviation whisker, one group of bars per method, one bar per strategy.
    /// </summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Write(IEnumerable<ExperimentResult> results, string folder)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(folder);
        var files = new List<string>();
        foreach (IGrouping<(double BiasRate, int Severity), ExperimentResult> setting in ResultsMarkdown.BySetting(results))
        {
            string path = Path.Combine(folder, FileName(setting.Key.BiasRate, setting.Key.Severity));
            string title = string.Create(CultureInfo.InvariantCulture, $"Test worst-group accuracy, bias rate {setting.Key.BiasRate}, signature severity {setting.Key.Severity} (mean ± sd over seeds)");
            WriteOne(setting, title, path);
            files.Add(path);
        }

        return files;
    }

    /// <summary>
    /// One chart of <paramref name="results"/>: mean worst-group accuracy with a standard-deviation
    /// whisker, one group of bars per method, one bar per strategy.
    /// </summary>
    public static void WriteOne(IEnumerable<ExperimentResult> results, string title, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        ExperimentResult[] cells = results.ToArray();
        TrainingMethod[] methods = cells.Select(r => r.Cell.Method).Distinct().Order().ToArray();
        SyntheticStrategy[] strategies = cells.Select(r => r.Cell.Strategy).Distinct().Order().ToArray();
        var series = strategies.Select(s => (Spelling.Strategies.Display(s), (IReadOnlyList<(double, double)>)methods.Select(m =>
        {
            double[] v = cells.Where(r => r.Cell.Strategy == s && r.Cell.Method == m).Select(r => r.WorstGroupAccuracy).ToArray();
            return v.Length == 0 ? (double.NaN, double.NaN) : SeedStatistics.Compute(v);
        }).ToArray())).ToArray();
        Charts.GroupedBars(title, methods.Select(Spelling.Methods.Display).ToArray(), series, path);
    }
}
