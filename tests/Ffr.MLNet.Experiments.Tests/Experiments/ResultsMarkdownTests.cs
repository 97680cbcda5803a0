using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ResultsMarkdownTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ToMarkdown_FixedCsv_GivesTheSameMarkdown()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, ResultsSamples.Csv);
        Assert.Equal(ResultsSamples.Markdown, ResultsMarkdown.ToMarkdown(ResultsCsv.Read(path)));
    }

    [Fact]
    public void ToMarkdown_RowOrder_DoesNotDependOnTheCsvOrder()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, ResultsSamples.Csv);
        List<ExperimentResult> results = ResultsCsv.Read(path);
        results.Reverse();
        Assert.Equal(ResultsSamples.Markdown, ResultsMarkdown.ToMarkdown(results));
    }

    [Fact]
    public void ToMarkdown_Matrix_BoldsEachMethodsBestStrategyAndLinksTheChart()
    {
        ExperimentResult R(SyntheticStrategy s, TrainingMethod m, double wga) => new(new ExperimentCell(0.99, 5, s, m, 0), wga, 0.9, 0.9, 0.5, 60);
        string markdown = ResultsMarkdown.ToMarkdown(new[]
        {
            R(SyntheticStrategy.Usb, TrainingMethod.Erm, 0.2), R(SyntheticStrategy.Ffr, TrainingMethod.Erm, 0.8),
            R(SyntheticStrategy.Usb, TrainingMethod.Dfr, 0.9), R(SyntheticStrategy.Ffr, TrainingMethod.Dfr, 0.9),
        }, chartFolder: "results");
        Assert.Contains("| ERM | 0.200 | **0.800** |\n", markdown);
        Assert.Contains("| DFR | **0.900** | **0.900** |\n", markdown); // a tie bolds both
        Assert.Contains("4 cells, 4.0 minutes of training and evaluation.", markdown);
        Assert.Contains("![Worst-group accuracy at bias rate 0.99, severity 5](results/worst-group-r0.99-s5.png)\n", markdown);
    }
}
