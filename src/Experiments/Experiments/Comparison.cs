using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments;

/// <summary>The strategy-method chosen on the validation split.</summary>
/// <param name="Strategy">The strategy.</param>
/// <param name="Method">The method.</param>
/// <param name="ValidationWorstGroupAccuracy">Its mean validation worst-group accuracy over seeds.</param>
/// <param name="Spread">Its standard deviation over seeds (0 for one seed).</param>
/// <param name="RunnerUp">The next best strategy-method's name, or null when only one was run.</param>
/// <param name="Margin">The mean validation worst-group accuracy above the runner-up's; null without a runner-up.</param>
/// <param name="RunnerUpSpread">The runner-up's standard deviation over seeds.</param>
/// <param name="Seeds">The fewest seeds either of the two has.</param>
public sealed record Recommendation(SyntheticStrategy Strategy, TrainingMethod Method, double ValidationWorstGroupAccuracy, double Spread, string? RunnerUp, double? Margin, double RunnerUpSpread, int Seeds)
{
    /// <summary>"FFR-GroupDRO".</summary>
    public string Name => Spelling.Name(Strategy, Method);

    /// <summary>
    /// True when the margin is no larger than the larger of the two standard deviations over seeds (the
    /// ranking may change with other seeds); null when it cannot be told (one seed, or no runner-up).
    /// </summary>
    public bool? WithinSpread => Margin is double m && Seeds > 1 ? m <= Math.Max(Spread, RunnerUpSpread) : null;
}

/// <summary>What <see cref="Comparison.Run"/> did and found.</summary>
public sealed class ComparisonReport
{
    internal ComparisonReport(IReadOnlyList<ExperimentResult> results, IReadOnlyDictionary<ExperimentCell, SubgroupEvaluation> evaluations, IReadOnlyList<string> skipped,
        ExperimentGridRun grid, Recommendation? recommendation, string table, string markdown, string path)
    {
        Results = results;
        Evaluations = evaluations;
        Skipped = skipped;
        Grid = grid;
        Recommendation = recommendation;
        Table = table;
        Markdown = markdown;
        ReportPath = path;
    }

    /// <summary>The results of every finished cell, in the grid's order.</summary>
    public IReadOnlyList<ExperimentResult> Results { get; }

    /// <summary>The test evaluation of each finished cell.</summary>
    public IReadOnlyDictionary<ExperimentCell, SubgroupEvaluation> Evaluations { get; }

    /// <summary>The strategies left out, each with its reason.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>What the grid run did (cells run now, cells not run and why).</summary>
    public ExperimentGridRun Grid { get; }

    /// <summary>The strategy-method chosen on the validation split; null when no cell finished.</summary>
    public Recommendation? Recommendation { get; }

    /// <summary>The summary table (markdown): per cell test worst-group accuracy with its interval, balanced and plain accuracy, validation worst-group accuracy.</summary>
    public string Table { get; }

    /// <summary>The whole report (markdown).</summary>
    public string Markdown { get; }

    /// <summary>The report file, report.md in the output folder.</summary>
    public string ReportPath { get; }
}

/// <summary>
/// A pilot on a manifest: the strategies x methods x seeds grid trained, resumably, on its train split,
/// chosen on its validation split and evaluated on its test split, and a report of it (report.md with
/// PNG charts): the bias of the data, each cell's test accuracies with intervals, the recommendation
/// (chosen on validation only), what the None-ERM and the recommended model look at (RISE), and the cost.
/// </summary>
public static class Comparison
{
    /// <summary>Runs the grid into <paramref name="outputFolder"/> (results.csv, models/, charts/, report.md) and writes the report.</summary>
    /// <exception cref="InvalidDataException">The manifest has subgroups without validation rows; the message names them.</exception>
    /// <exception cref="SyntheticShortfallException">A strategy's budget is short in the pool and the trainer options do not allow it (checked before any training).</exception>
    /// <exception cref="ArgumentException">No strategy-method or no seed to run.</exception>
    public static ComparisonReport Run(ExperimentRunner runner, string outputFolder, ComparisonOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(outputFolder);
        options ??= new ComparisonOptions();
        if (options.Runs.Count == 0 || options.Seeds.Count == 0)
        {
            throw new ArgumentException($"The comparison needs at least one strategy-method and one seed; got {options.Runs.Count} and {options.Seeds.Count}.", nameof(options));
        }

        if (runner.MissingValidationSubgroups.Count > 0)
        {
            throw new InvalidDataException(
                $"The validation split has no rows of {runner.MissingValidationSubgroups.Count} subgroup(s) with training images: {string.Join(", ", runner.MissingValidationSubgroups)}. "
                + "Models are selected and compared by validation worst-group accuracy; add validation rows of every subgroup.");
        }

        Func<ExperimentCell, FfrTrainerOptions> trainerOptions = options.TrainerOptions ?? (_ => new FfrTrainerOptions());
        double biasRate = options.BiasRate ?? runner.TrainingReport.Classes.Max(c => c.BiasRate);
        ExperimentCell Cell(SyntheticStrategy s, TrainingMethod m, int seed) => new(biasRate, options.Severity, s, m, seed);

        // Before any training: strategies without a pool are left out, a pool short of a budget stops here.
        var skipped = new List<string>();
        var shortfall = new Dictionary<SyntheticStrategy, long> { [SyntheticStrategy.None] = 0 };
        var runs = new List<(SyntheticStrategy Strategy, TrainingMethod Method)>();
        foreach (SyntheticStrategy strategy in options.Runs.Select(r => r.Strategy).Distinct())
        {
            if (strategy.UsesSyntheticPool())
            {
                if (runner.PoolReport is null)
                {
                    skipped.Add($"{Spelling.Strategies.Display(strategy)}: skipped, the manifest has no synthetic images (Source synthetic) for its budget; 'ffr plan' and 'ffr generate' make them.");
                    continue;
                }

                FfrTrainerOptions probe = trainerOptions(Cell(strategy, options.Runs.First(r => r.Strategy == strategy).Method, options.Seeds[0]));
                SyntheticBudgetPlan plan = SyntheticBudgetPlan.CreateForEachStrategy(runner.TrainingReport, runner.PoolReport, probe.ImagesPerSubgroup).Single(p => p.Strategy == strategy);
                if (plan.Shortfalls.Count > 0 && !probe.AllowPoolShortfall)
                {
                    throw new SyntheticShortfallException(plan, $"The synthetic pool is short for {strategy} in {plan.Shortfalls.Count} subgroup(s): {plan.DescribeShortfalls()}.");
                }

                shortfall[strategy] = plan.Shortfalls.Sum(s => s.Missing);
            }

            runs.AddRange(options.Runs.Where(r => r.Strategy == strategy));
        }

        foreach (string reason in skipped)
        {
            options.Log?.Invoke(reason);
        }

        ExperimentCell[] cells = options.Seeds.SelectMany(seed => runs.Select(r => Cell(r.Strategy, r.Method, seed))).ToArray();
        string csv = Path.Combine(outputFolder, "results.csv");
        ExperimentGridRun grid = ExperimentGrid.Run(cells, csv, (cell, index) =>
        {
            FfrTrainerOptions trainer = trainerOptions(cell);
            ExperimentResult result = runner.RunCell(trainer, cell, outputFolder);
            options.Log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"[{index}/{cells.Length}] {cell.Name} seed {cell.Seed}: test worst-group {result.WorstGroupAccuracy:0.000}, balanced {result.BalancedAccuracy:0.000}, validation worst-group {result.ValidationWorstGroupAccuracy:0.000} ({result.Seconds:0} s)"));
            return result;
        }, options.TimeBudget, options.Resume);
        if (grid.StoppedBecause is string why)
        {
            options.Log?.Invoke($"Stopped before {grid.NotRun.Count} cell(s): {why}.");
        }

        var evaluations = grid.Results.ToDictionary(r => r.Cell, r => SubgroupEvaluation.FromJson(File.ReadAllText(ExperimentRunner.CellFiles(outputFolder, r.Cell).Evaluation)));
        Recommendation? recommendation = Recommend(grid.Results);
        int? imagesPerSubgroup = trainerOptions(cells.Length > 0 ? cells[0] : Cell(SyntheticStrategy.None, TrainingMethod.Erm, options.Seeds[0])).ImagesPerSubgroup;
        var report = new ComparisonMarkdown(runner, outputFolder, options, grid, evaluations, skipped, shortfall, recommendation, imagesPerSubgroup);
        string markdown = report.Write();
        string path = Path.Combine(outputFolder, "report.md");
        AtomicFile.WriteText(path, markdown);
        return new ComparisonReport(grid.Results, evaluations, skipped, grid, recommendation, report.Table, markdown, path);
    }

    /// <summary>
    /// The strategy-method with the highest mean validation worst-group accuracy over its seeds (the
    /// earlier in the grid on ties); test results play no part. Null without results.
    /// </summary>
    public static Recommendation? Recommend(IReadOnlyList<ExperimentResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var rows = results.GroupBy(r => (r.Cell.Strategy, r.Cell.Method))
            .Select(g => (g.Key, Stats: SeedStatistics.Compute(g.Select(r => r.ValidationWorstGroupAccuracy).ToArray()), Seeds: g.Count()))
            .OrderByDescending(r => r.Stats.Mean).ToArray();
        if (rows.Length == 0)
        {
            return null;
        }

        var best = rows[0];
        if (rows.Length == 1)
        {
            return new Recommendation(best.Key.Strategy, best.Key.Method, best.Stats.Mean, best.Stats.Std, null, null, 0, best.Seeds);
        }

        var next = rows[1];
        return new Recommendation(best.Key.Strategy, best.Key.Method, best.Stats.Mean, best.Stats.Std,
            Spelling.Name(next.Key.Strategy, next.Key.Method), best.Stats.Mean - next.Stats.Mean, next.Stats.Std, Math.Min(best.Seeds, next.Seeds));
    }
}
