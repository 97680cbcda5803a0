using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ExperimentGridTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-grid-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ExperimentCell[] Cells =
    {
        new(0.9, 0, SyntheticStrategy.None, TrainingMethod.Erm, 0), new(0.9, 0, SyntheticStrategy.Ffr, TrainingMethod.Erm, 0),
        new(0.9, 0, SyntheticStrategy.None, TrainingMethod.Erm, 1), new(0.9, 0, SyntheticStrategy.Ffr, TrainingMethod.Erm, 1),
    };

    private static ExperimentResult Result(ExperimentCell cell) =>
        new(cell, cell.Seed / 10.0, 0.5, 0.5, 0.25, 1) { Cost = new ExperimentCost(0.5, cell.Strategy == SyntheticStrategy.None ? 0 : 100, 1 << 20) };

    [Fact]
    public void Run_SecondTime_SkipsFinishedCellsAndKeepsTheirResults()
    {
        string csv = Path.Combine(_dir, "results.csv");
        var ran = new List<(ExperimentCell, int)>();
        ExperimentGridRun first = ExperimentGrid.Run(Cells[..2], csv, (cell, index) => { ran.Add((cell, index)); return Result(cell); });
        ExperimentGridRun second = ExperimentGrid.Run(Cells, csv, (cell, index) => { ran.Add((cell, index)); return Result(cell); });

        Assert.Equal(new[] { (Cells[0], 1), (Cells[1], 2), (Cells[2], 3), (Cells[3], 4) }, ran);
        Assert.Equal((2, 2), (first.Ran, second.Ran));
        Assert.Equal(Cells, second.Results.Select(r => r.Cell));
        Assert.Equal(Cells.Select(Result), second.Results); // the cost columns come back too
        Assert.Null(second.StoppedBecause);
    }

    [Fact]
    public void Run_NoResume_RunsEveryCellAgainAndKeepsOneLineEach()
    {
        string csv = Path.Combine(_dir, "results.csv");
        ExperimentGrid.Run(Cells, csv, (cell, _) => Result(cell));
        int calls = 0;
        ExperimentGridRun again = ExperimentGrid.Run(Cells, csv, (cell, _) => { calls++; return Result(cell); }, resume: false);
        Assert.Equal(4, calls);
        Assert.Equal(5, File.ReadAllLines(csv).Length);
        Assert.Equal(4, again.Results.Count);
    }

    [Fact]
    public void Run_TimeBudgetShorterThanTwoCells_StopsAfterTheFirstAndListsTheRest()
    {
        string csv = Path.Combine(_dir, "results.csv");
        ExperimentGridRun run = ExperimentGrid.Run(Cells, csv, (cell, _) => { Thread.Sleep(300); return Result(cell); }, timeBudget: TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, run.Ran);
        Assert.Equal(Cells[1..], run.NotRun);
        Assert.Equal(new[] { Cells[0] }, run.Results.Select(r => r.Cell));
        Assert.StartsWith("the time budget of 0 min would be passed: 0.0 min spent on 1 cell(s)", run.StoppedBecause);
        Assert.Equal(2, File.ReadAllLines(csv).Length);
    }
}
