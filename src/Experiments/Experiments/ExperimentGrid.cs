using System.Diagnostics;
using System.Globalization;
using Ffr.MLNet.IO;

namespace Ffr.MLNet.Experiments;

/// <summary>What a run of <see cref="ExperimentGrid.Run"/> did.</summary>
/// <param name="Results">The results of the grid's cells found in the results file after the run (earlier runs' included), in the grid's order.</param>
/// <param name="Ran">Cells run by this call.</param>
/// <param name="NotRun">Cells neither run now nor found in the results file (the time budget stopped the run before them).</param>
/// <param name="StoppedBecause">Why the run stopped before the end of the grid; null when it reached it.</param>
public sealed record ExperimentGridRun(IReadOnlyList<ExperimentResult> Results, int Ran, IReadOnlyList<ExperimentCell> NotRun, string? StoppedBecause);

/// <summary>
/// The resumable loop of an experiment grid (reproduce, compare, demo): each cell not yet in the
/// results CSV is run and its result appended (atomically) as soon as it is known, so a killed run
/// loses at most the cell it was in, and running the same grid again skips the finished cells.
/// </summary>
public static class ExperimentGrid
{
    /// <summary>Runs the cells of <paramref name="cells"/> that <paramref name="resultsCsv"/> lacks, in order.</summary>
    /// <param name="cells">The grid, in the order to run it.</param>
    /// <param name="resultsCsv">The results file (<see cref="ResultsCsv"/>); created when absent.</param>
    /// <param name="runCell">Trains and evaluates one cell; called with the cell and its 1-based position in the grid.</param>
    /// <param name="timeBudget">
    /// Wall time allowed for this call, or null for none. Before each cell after the first one run, the
    /// cell's time is estimated as the mean of the cells run so far (at first, the first cell's); when
    /// the elapsed time plus that estimate passes the budget, the run stops there and the remaining cells
    /// are reported in <see cref="ExperimentGridRun.NotRun"/>.
    /// </param>
    /// <param name="resume">False starts <paramref name="resultsCsv"/> afresh (every cell is run) instead of keeping its finished cells.</param>
    public static ExperimentGridRun Run(IReadOnlyList<ExperimentCell> cells, string resultsCsv, Func<ExperimentCell, int, ExperimentResult> runCell, TimeSpan? timeBudget = null, bool resume = true)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(resultsCsv);
        ArgumentNullException.ThrowIfNull(runCell);
        if (!resume && File.Exists(resultsCsv))
        {
            AtomicFile.WriteText(resultsCsv, string.Empty);
        }

        var done = ResultsCsv.Read(resultsCsv).Select(r => r.Cell).ToHashSet();
        var watch = Stopwatch.StartNew();
        var seconds = new List<double>();
        string? stopped = null;
        var notRun = new List<ExperimentCell>();
        for (int i = 0; i < cells.Count; i++)
        {
            ExperimentCell cell = cells[i];
            if (done.Contains(cell))
            {
                continue;
            }

            if (stopped is null && timeBudget is TimeSpan budget && seconds.Count > 0 && watch.Elapsed.TotalSeconds + seconds.Average() > budget.TotalSeconds)
            {
                stopped = string.Create(CultureInfo.InvariantCulture,
                    $"the time budget of {budget.TotalMinutes:0.#} min would be passed: {watch.Elapsed.TotalMinutes:0.0} min spent on {seconds.Count} cell(s), about {seconds.Average() / 60:0.0} min per cell");
            }

            if (stopped is not null)
            {
                notRun.Add(cell);
                continue;
            }

            long start = Stopwatch.GetTimestamp();
            ExperimentResult result = runCell(cell, i + 1);
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            ResultsCsv.Append(resultsCsv, result);
            done.Add(cell);
        }

        Dictionary<ExperimentCell, ExperimentResult> byCell = ResultsCsv.Read(resultsCsv).GroupBy(r => r.Cell).ToDictionary(g => g.Key, g => g.Last());
        ExperimentResult[] results = cells.Where(byCell.ContainsKey).Select(c => byCell[c]).ToArray();
        return new ExperimentGridRun(results, seconds.Count, notRun, stopped);
    }
}
