// Over 250 lines: one report's sections, each a short method over the same ten fields; split, they would pass those fields around.
// One file over 250 lines on purpose: report.md's sections in reading order, sharing the cells' names and the number formats;
// split, one document's layout would be spread over several files.
using System.Globalization;
using System.Text;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Reports;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments;

/// <summary>Writes a comparison's report.md and its charts (charts/ in the output folder).</summary>
internal sealed class ComparisonMarkdown
{
    private readonly ExperimentRunner _runner;
    private readonly string _folder;
    private readonly ComparisonOptions _options;
    private readonly ExperimentGridRun _grid;
    private readonly IReadOnlyDictionary<ExperimentCell, SubgroupEvaluation> _evaluations;
    private readonly IReadOnlyList<string> _skipped;
    private readonly IReadOnlyDictionary<SyntheticStrategy, long> _shortfall;
    private readonly Recommendation? _recommendation;
    private readonly int? _imagesPerSubgroup;
    private readonly bool _severalSeeds;

    public ComparisonMarkdown(ExperimentRunner runner, string folder, ComparisonOptions options, ExperimentGridRun grid, IReadOnlyDictionary<ExperimentCell, SubgroupEvaluation> evaluations,
        IReadOnlyList<string> skipped, IReadOnlyDictionary<SyntheticStrategy, long> shortfall, Recommendation? recommendation, int? imagesPerSubgroup)
    {
        _runner = runner;
        _folder = folder;
        _options = options;
        _grid = grid;
        _evaluations = evaluations;
        _skipped = skipped;
        _shortfall = shortfall;
        _recommendation = recommendation;
        _imagesPerSubgroup = imagesPerSubgroup;
        _severalSeeds = options.Seeds.Distinct().Count() > 1;
        Table = SummaryTable();
    }

    /// <summary>Per cell: test worst-group accuracy and its interval, balanced and plain accuracy, validation worst-group accuracy.</summary>
    public string Table { get; }

    private IReadOnlyList<ExperimentResult> Results => _grid.Results;

    public string Write()
    {
        var sb = new StringBuilder();
        sb.Append("# ").Append(_options.Title).Append("\n\n");
        if (_options.Description is string description)
        {
            sb.Append(description.TrimEnd('\n')).Append("\n\n");
        }

        AppendData(sb);
        foreach (string reason in _skipped)
        {
            sb.Append("- ").Append(reason).Append('\n');
        }

        if (_skipped.Count > 0)
        {
            sb.Append('\n');
        }

        if (_grid.StoppedBecause is string why)
        {
            sb.Append(CultureInfo.InvariantCulture, $"**Stopped early:** {why}. {_grid.NotRun.Count} cell(s) not run: {string.Join(", ", _grid.NotRun.Select(Name))}. Run the same command again (with a larger --max-minutes) to finish them.\n\n");
        }

        if (Results.Count == 0)
        {
            sb.Append("No cell finished.\n");
            return sb.ToString();
        }

        sb.Append("## Results on the test split\n\n").Append(Table).Append('\n');
        AppendAccuracies(sb);
        AppendOverSeeds(sb);
        AppendRecommendation(sb);
        AppendLeaning(sb);
        AppendCost(sb);
        AppendCells(sb);
        return sb.ToString();
    }

    private string Name(ExperimentCell cell) => _severalSeeds ? $"{cell.Name} (seed {cell.Seed})" : cell.Name;

    private static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string I(ConfidenceInterval i) => $"[{F(i.Lower)}, {F(i.Upper)}]";

    private string SummaryTable()
    {
        var sb = new StringBuilder();
        sb.Append("| Strategy-method | Worst-group accuracy | 95% interval | Balanced accuracy | Accuracy | Validation worst-group |\n");
        sb.Append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (ExperimentResult r in Results)
        {
            SubgroupEvaluation e = _evaluations[r.Cell];
            sb.Append($"| {Name(r.Cell)} | {F(r.WorstGroupAccuracy)} | {I(e.WorstGroupInterval)} | {F(r.BalancedAccuracy)} | {F(r.Accuracy)} | {F(r.ValidationWorstGroupAccuracy)} |\n");
        }

        return sb.ToString();
    }

    private void AppendData(StringBuilder sb)
    {
        ImageManifest manifest = _runner.Manifest;
        int Count(DataSplit split, SampleSource? source = null) => manifest.Select(split, source).Count;
        sb.Append("## The data\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"{Count(DataSplit.Train, SampleSource.Real)} real training images in {_runner.TrainingReport.Groups.Count} subgroups, {Count(DataSplit.Val)} validation and {Count(DataSplit.Test)} test images; ");
        sb.Append(_runner.PoolReport is null ? "no synthetic pool.\n\n" : $"a synthetic pool of {Count(DataSplit.Train, SampleSource.Synthetic)} images.\n\n");
        sb.Append("| Label | Images | Bias-aligned attribute | Bias rate |\n| --- | ---: | --- | ---: |\n");
        foreach (var c in _runner.TrainingReport.Classes)
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {c.Label} | {c.Count} | {c.MajorityAttribute} | {F(c.BiasRate)} |\n");
        }

        Charts.BiasPicture(_runner.TrainingReport, _runner.PoolReport, SyntheticBudgetPlan.CreateForEachStrategy(_runner.TrainingReport, _runner.PoolReport, _imagesPerSubgroup), Path.Combine(_folder, "charts", "bias.png"));
        sb.Append("\n![Real training images, synthetic pool and budgets per subgroup](charts/bias.png)\n\n");
    }

    private void AppendAccuracies(StringBuilder sb)
    {
        sb.Append("Test accuracy of every cell with 95% bootstrap intervals (resampled within subgroups); bias-aligned and bias-conflicting accuracy over the test images of the classes' bias-aligned and other subgroups.\n\n");
        sb.Append("| Cell | Worst-group | Balanced | Accuracy | Bias-aligned | Bias-conflicting |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (ExperimentResult r in Results)
        {
            SubgroupEvaluation e = _evaluations[r.Cell];
            sb.Append($"| {Name(r.Cell)} | {F(e.WorstGroupAccuracy)} {I(e.WorstGroupInterval)} | {F(e.BalancedAccuracy)} {I(e.BalancedInterval)} | {F(e.Accuracy)} {I(e.AccuracyInterval)} | {F(e.BiasAlignedAccuracy ?? double.NaN)} | {F(e.BiasConflictingAccuracy ?? double.NaN)} |\n");
        }

        ExperimentResult[] first = Results.Where(r => r.Cell.Seed == Results[0].Cell.Seed).ToArray();
        Charts.SubgroupAccuracy(first.Select(r => (r.Cell.Name, _evaluations[r.Cell])).ToArray(), Path.Combine(_folder, "charts", "subgroup-accuracy.png"));
        sb.Append(_severalSeeds ? $"\nSeed {Results[0].Cell.Seed}:\n" : "\n").Append("![Test accuracy by subgroup](charts/subgroup-accuracy.png)\n\n");
    }

    private void AppendOverSeeds(StringBuilder sb)
    {
        sb.Append("Mean ± standard deviation over seeds:\n\n");
        sb.Append("| Strategy-method | Test worst-group | Test balanced | Validation worst-group | Seeds |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var row in Results.GroupBy(r => (r.Cell.Strategy, r.Cell.Method)).OrderBy(g => g.Key))
        {
            sb.Append($"| {row.First().Cell.Name} | {SeedStatistics.Format(row.Select(r => r.WorstGroupAccuracy))} | {SeedStatistics.Format(row.Select(r => r.BalancedAccuracy))} | {SeedStatistics.Format(row.Select(r => r.ValidationWorstGroupAccuracy))} | {row.Count()} |\n");
        }

        ResultsCharts.WriteOne(Results, "Test worst-group accuracy (mean ± sd over seeds)", Path.Combine(_folder, "charts", "worst-group.png"));
        sb.Append("\n![Test worst-group accuracy per method and strategy](charts/worst-group.png)\n\n");
    }

    private void AppendRecommendation(StringBuilder sb)
    {
        Recommendation r = _recommendation!;
        sb.Append("## Recommendation (chosen on the validation split only)\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"**{r.Name}**: the highest mean validation worst-group accuracy, {F(r.ValidationWorstGroupAccuracy)} ± {F(r.Spread)} over {r.Seeds} seed(s). ");
        if (r.Margin is not double margin)
        {
            sb.Append("It was the only strategy-method run.\n\n");
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"Next is {r.RunnerUp} ({F(r.ValidationWorstGroupAccuracy - margin)} ± {F(r.RunnerUpSpread)}): a margin of {F(margin)}, ");
        sb.Append(r.WithinSpread switch
        {
            true => "within the seeds' spread: the ranking may change with other seeds; run more --seeds before relying on it.",
            false => "larger than the seeds' spread (the larger standard deviation of the two).",
            null => "with one seed, so the spread over seeds is unknown; run more --seeds to see whether the margin holds.",
        });
        sb.Append(" The test split played no part in this choice.\n\n");
    }

    private ExperimentResult? First(SyntheticStrategy strategy, TrainingMethod method) =>
        Results.FirstOrDefault(r => r.Cell.Strategy == strategy && r.Cell.Method == method);

    private void AppendLeaning(StringBuilder sb)
    {
        sb.Append("## What the models lean on\n\n");
        ExperimentResult? baseline = First(SyntheticStrategy.None, TrainingMethod.Erm);
        ExperimentResult? chosen = _recommendation is null ? null : First(_recommendation.Strategy, _recommendation.Method);
        var models = new[] { baseline, chosen }.OfType<ExperimentResult>().DistinctBy(r => r.Cell).ToArray();
        sb.Append("| Model | Bias-aligned test accuracy | Bias-conflicting test accuracy | Gap |\n| --- | ---: | ---: | ---: |\n");
        foreach (ExperimentResult r in models)
        {
            SubgroupEvaluation e = _evaluations[r.Cell];
            double aligned = e.BiasAlignedAccuracy ?? double.NaN, conflicting = e.BiasConflictingAccuracy ?? double.NaN;
            string role = r == baseline ? (r == chosen ? "baseline, recommended" : "baseline") : "recommended";
            sb.Append($"| {Name(r.Cell)} ({role}) | {F(aligned)} | {F(conflicting)} | {F(aligned - conflicting)} |\n");
        }

        sb.Append('\n');
        if (baseline is null)
        {
            sb.Append("No None-ERM cell finished, so there is no baseline whose mistakes to explain.\n\n");
            return;
        }

        IReadOnlyList<ImageRow> explained = ConflictingExplanations.Explain(_runner,
            models.Select(r => (Name(r.Cell), ExperimentRunner.CellFiles(_folder, r.Cell).Model)).ToArray(), _options.ExplainedImagesPerClass, _options.Rise, Path.Combine(_folder, "charts", "rise.png"));
        if (explained.Count == 0)
        {
            sb.Append("The None-ERM model gets every bias-conflicting test image right: there is no mistake to explain.\n\n");
            return;
        }

        sb.Append(CultureInfo.InvariantCulture, $"RISE heatmaps ({_options.Rise.Masks} masks) of {explained.Count} bias-conflicting test image(s) that the None-ERM model gets wrong (up to {_options.ExplainedImagesPerClass} per class), for each model the heatmap of the class it predicts: where it looks.\n\n");
        sb.Append("![RISE heatmaps of the baseline and the recommended model](charts/rise.png)\n\n");
    }

    private void AppendCost(StringBuilder sb)
    {
        GenerationCost? generation = _options.Generation;
        double perImage = generation?.SecondsPerImage ?? 0;
        double Generation(ExperimentResult r) => (r.Cost?.SyntheticImages ?? 0) * perImage;
        double Compute(ExperimentResult r) => r.Seconds + Generation(r);
        sb.Append("## Cost\n\n");
        sb.Append("| Cell | Training (min) | Training and evaluation (min) | Synthetic images used | Shortfall | Generation (min) | Peak memory (MiB) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (ExperimentResult r in Results)
        {
            string training = r.Cost is ExperimentCost c ? (c.TrainingSeconds / 60).ToString("0.00", CultureInfo.InvariantCulture) : "-";
            string used = r.Cost is ExperimentCost u ? u.SyntheticImages.ToString(CultureInfo.InvariantCulture) : "-";
            string memory = r.Cost is ExperimentCost m ? (m.PeakMemoryBytes / 1048576.0).ToString("0", CultureInfo.InvariantCulture) : "-";
            string generated = generation is null ? "-" : (Generation(r) / 60).ToString("0.00", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"| {Name(r.Cell)} | {training} | {r.Seconds / 60:0.00} | {used} | {_shortfall.GetValueOrDefault(r.Cell.Strategy)} | {generated} | {memory} |\n");
        }

        sb.Append('\n');
        sb.Append(generation is null
            ? "No generation log (generation-log.jsonl beside the pool's manifest): the time to generate the synthetic images is unknown and counted as 0.\n"
            : string.Create(CultureInfo.InvariantCulture, $"The generation log records {generation.ImagesMade} images made in {generation.Seconds / 60:0.0} min ({perImage:0.00} s per image); a cell's generation time is the images it used at that rate.\n"));
        sb.Append("Peak memory is the largest working set of the process sampled every 0.2 s during the cell (GPU memory is not included).\n\n");
        double total = Results.Sum(r => r.Seconds) + (generation?.Seconds ?? 0);
        sb.Append(CultureInfo.InvariantCulture, $"Total compute: {total / 3600:0.00} h ({Results.Sum(r => r.Seconds) / 60:0.0} min of training and evaluation over {Results.Count} cells{(generation is null ? string.Empty : $", {generation.Seconds / 60:0.0} min of generation")}).\n\n");

        ExperimentResult[] none = Results.Where(r => r.Cell.Strategy == SyntheticStrategy.None && r.Cell.Method == TrainingMethod.Erm).ToArray();
        if (none.Length == 0)
        {
            sb.Append("No None-ERM cell finished: no gain to measure against it.\n\n");
            return;
        }

        double baseline = none.Average(r => r.WorstGroupAccuracy);
        sb.Append(CultureInfo.InvariantCulture, $"Worst-group gain over None-ERM ({F(baseline)} test worst-group accuracy) per compute hour of a cell (its training, evaluation and generation time; means over seeds):\n\n");
        sb.Append("| Strategy-method | Test worst-group | Gain over None-ERM | Compute per cell (h) | Gain per compute hour |\n| --- | ---: | ---: | ---: | ---: |\n");
        foreach (var row in Results.GroupBy(r => (r.Cell.Strategy, r.Cell.Method)).OrderBy(g => g.Key))
        {
            double worst = row.Average(r => r.WorstGroupAccuracy);
            double hours = row.Average(Compute) / 3600;
            string perHour = row.Key == (SyntheticStrategy.None, TrainingMethod.Erm) ? "-" : F((worst - baseline) / hours);
            sb.Append(CultureInfo.InvariantCulture, $"| {row.First().Cell.Name} | {F(worst)} | {(worst - baseline >= 0 ? "+" : string.Empty)}{F(worst - baseline)} | {hours:0.0000} | {perHour} |\n");
        }

        sb.Append('\n');
    }

    private void AppendCells(StringBuilder sb)
    {
        sb.Append("## Every cell\n\n");
        foreach (ExperimentResult r in Results)
        {
            string chart = Path.GetFileName(ExperimentRunner.CellFiles(_folder, r.Cell).TrainingChart);
            sb.Append(CultureInfo.InvariantCulture, $"### {Name(r.Cell)}\n\n```\n{_evaluations[r.Cell].ToTable()}\n```\n\n![Training curves](charts/{chart})\n\n");
        }
    }
}
