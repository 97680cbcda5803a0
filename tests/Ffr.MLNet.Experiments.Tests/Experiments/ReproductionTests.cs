using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ReproductionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-reproduction-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Run_EveryCellAlreadyInTheCsv_TrainsNothingAndWritesMarkdownAndCharts()
    {
        File.WriteAllText(Path.Combine(_dir, "results.csv"), ResultsSamples.Csv);
        ReproductionReport report = Reproduction.Run(_dir, new ReproductionOptions
        {
            BiasRates = new[] { 0.99 }, Seeds = new[] { 0, 1 }, Strategies = new[] { SyntheticStrategy.None }, Methods = new[] { TrainingMethod.Erm },
            TrainerOptions = (cell, _) => throw new InvalidOperationException($"{cell.Name} is in the CSV and must not be trained."),
        });

        Assert.Equal(0, report.Grid.Ran);
        Assert.Equal(2, report.Grid.Results.Count);
        Assert.Equal(5, report.Results.Count); // the whole file, the other setting's cells included
        Assert.False(Directory.Exists(Path.Combine(_dir, "data"))); // no dataset written for finished cells
        Assert.Equal(ResultsMarkdown.ToMarkdown(report.Results, chartFolder: string.Empty), File.ReadAllText(report.ResultsMarkdown));
        Assert.True(File.Exists(Path.Combine(_dir, "worst-group-r0.95-s3.png")));
        Assert.True(File.Exists(Path.Combine(_dir, "worst-group-r0.99-s3.png")));
    }
}
