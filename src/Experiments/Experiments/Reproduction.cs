using System.Globalization;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Experiments;

/// <summary>What <see cref="Reproduction.Run"/> did and wrote.</summary>
/// <param name="Results">Every result in the results file after the run (earlier runs' included, other grids' too).</param>
/// <param name="Grid">What the grid run did.</param>
/// <param name="ResultsCsv">results.csv in the output folder.</param>
/// <param name="ResultsMarkdown">results.md in the output folder, with one chart per (bias rate, severity) beside it.</param>
public sealed record ReproductionReport(IReadOnlyList<ExperimentResult> Results, ExperimentGridRun Grid, string ResultsCsv, string ResultsMarkdown);

/// <summary>
/// The reproduction grid on the benchmark dataset: bias rates x severities x seeds x strategies x methods, resumable
/// (<see cref="ExperimentGrid"/>), each (bias rate, severity, seed) dataset written once under data/, then
/// results.csv, results.md and the worst-group charts in the output folder.
/// </summary>
public static class Reproduction
{
    /// <summary>Runs the cells that <paramref name="outputFolder"/>'s results.csv lacks and writes the results.</summary>
    public static ReproductionReport Run(string outputFolder, ReproductionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outputFolder);
        options ??= new ReproductionOptions();
        ExperimentCell[] cells = (
            from biasRate in options.BiasRates
            from severity in options.Severities
            from seed in options.Seeds
            from strategy in options.Strategies
            from method in options.Methods
            select new ExperimentCell(biasRate, severity, strategy, method, seed)).ToArray();
        string csv = Path.Combine(outputFolder, "results.csv");

        // One dataset at a time: the runner of the cell's (bias rate, severity, seed), made when its first unfinished cell comes.
        (double, int, int)? currentKey = null;
        ExperimentRunner? runner = null;
        ExperimentGridRun grid = ExperimentGrid.Run(cells, csv, (cell, index) =>
        {
            var key = (cell.BiasRate, cell.Severity, cell.Seed);
            if (runner is null || currentKey != key)
            {
                runner = Runner(outputFolder, cell, options);
                currentKey = key;
            }

            string label = string.Create(CultureInfo.InvariantCulture, $"[{index}/{cells.Length}] r={cell.BiasRate} s={cell.Severity} seed={cell.Seed} {cell.Name}");
            ExperimentResult result = runner.RunCell(options.TrainerOptions?.Invoke(cell, label) ?? new(), cell, outputFolder: null);
            options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"{label}: test worst-group {result.WorstGroupAccuracy:0.000}, balanced {result.BalancedAccuracy:0.000} ({result.Seconds:0} s)"));
            return result;
        });

        List<ExperimentResult> all = ResultsCsv.Read(csv);
        ResultsCharts.Write(all, outputFolder);
        string markdown = Path.Combine(outputFolder, "results.md");
        AtomicFile.WriteText(markdown, ResultsMarkdown.ToMarkdown(all, chartFolder: string.Empty));
        return new ReproductionReport(all, grid, csv, markdown);
    }

    private static ExperimentRunner Runner(string outputFolder, ExperimentCell cell, ReproductionOptions options)
    {
        string size = options.RenderSize == 32 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"-px{options.RenderSize}");
        string folder = Path.Combine(outputFolder, "data", string.Create(CultureInfo.InvariantCulture, $"r{cell.BiasRate}-s{cell.Severity}-seed{cell.Seed}-m{options.MajorityPerClass}{size}"));
        string manifest = Path.Combine(folder, "manifest.csv");
        if (!File.Exists(manifest))
        {
            manifest = BenchmarkDataset.Create(new BenchmarkDatasetOptions
            {
                BiasRate = cell.BiasRate, SyntheticSeverity = cell.Severity, Seed = cell.Seed, MajorityPerClass = options.MajorityPerClass, ImageSize = options.RenderSize,
            }).WriteTo(folder);
        }

        MLContext ml = options.NewContext?.Invoke() ?? new MLContext(seed: 0);
        return new ExperimentRunner(ml, ImageManifest.Load(manifest, new ManifestLoadOptions { VerifyImages = false }));
    }
}
