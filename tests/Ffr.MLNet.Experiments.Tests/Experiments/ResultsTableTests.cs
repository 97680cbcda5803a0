using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ResultsTableTests : IDisposable
{
    private const string Csv =
        "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds\n" +
        "0.99,3,none,erm,0,0,0.25,0.25,0,9.0\n" +
        "0.99,3,none,erm,1,0.1,0.35,0.35,0.05,9.5\n" +
        "0.99,3,ffr,groupdro,0,0.9,0.97,0.97,0.85,24.0\n" +
        "0.99,3,ffr,groupdro,1,0.8,0.95,0.95,0.8,23.0\n" +
        "0.95,3,usb,erm,0,0.5,0.9,0.9,0.6,30.0\n";

    private const string Markdown =
        "5 cells in 2 settings, 1.6 minutes of training and evaluation in all (the sum of the cells' wall times).\n\n" +
        "### Bias rate 0.95, synthetic signature severity 3\n\n" +
        "1 cells, 0.5 minutes of training and evaluation.\n\n" +
        "| Mean worst-group accuracy | USB |\n" +
        "| --- | ---: |\n" +
        "| ERM | **0.500** |\n\n" +
        "| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n" +
        "| --- | ---: | ---: | ---: |\n" +
        "| USB-ERM | 0.500 ± 0.000 | 0.900 ± 0.000 | 1 |\n\n" +
        "### Bias rate 0.99, synthetic signature severity 3\n\n" +
        "4 cells, 1.1 minutes of training and evaluation.\n\n" +
        "| Mean worst-group accuracy | None | FFR |\n" +
        "| --- | ---: | ---: |\n" +
        "| ERM | **0.050** | - |\n" +
        "| GroupDRO | - | **0.850** |\n\n" +
        "| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n" +
        "| --- | ---: | ---: | ---: |\n" +
        "| None-ERM | 0.050 ± 0.071 | 0.300 ± 0.071 | 2 |\n" +
        "| FFR-GroupDRO | 0.850 ± 0.071 | 0.960 ± 0.014 | 2 |\n\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ToMarkdown_FixedCsv_GivesTheSameMarkdown()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, Csv);
        Assert.Equal(Markdown, ResultsTable.ToMarkdown(ResultsTable.Read(path)));
    }

    [Fact]
    public void ToMarkdown_RowOrder_DoesNotDependOnTheCsvOrder()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, Csv);
        List<ExperimentResult> results = ResultsTable.Read(path);
        results.Reverse();
        Assert.Equal(Markdown, ResultsTable.ToMarkdown(results));
    }

    [Fact]
    public void ToMarkdown_Matrix_BoldsEachMethodsBestStrategyAndLinksTheChart()
    {
        ExperimentResult R(SyntheticStrategy s, TrainingMethod m, double wga) => new(new ExperimentCell(0.99, 5, s, m, 0), wga, 0.9, 0.9, 0.5, 60);
        string markdown = ResultsTable.ToMarkdown(new[]
        {
            R(SyntheticStrategy.Usb, TrainingMethod.Erm, 0.2), R(SyntheticStrategy.Ffr, TrainingMethod.Erm, 0.8),
            R(SyntheticStrategy.Usb, TrainingMethod.Dfr, 0.9), R(SyntheticStrategy.Ffr, TrainingMethod.Dfr, 0.9),
        }, chartFolder: "results");
        Assert.Contains("| ERM | 0.200 | **0.800** |\n", markdown);
        Assert.Contains("| DFR | **0.900** | **0.900** |\n", markdown); // a tie bolds both
        Assert.Contains("4 cells, 4.0 minutes of training and evaluation.", markdown);
        Assert.Contains("![Worst-group accuracy at bias rate 0.99, severity 5](results/worst-group-r0.99-s5.png)\n", markdown);
    }

    [Fact]
    public void WriteCharts_OnePngPerSetting()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, Csv);
        IReadOnlyList<string> files = ResultsTable.WriteCharts(ResultsTable.Read(path), Path.Combine(_dir, "charts"));
        Assert.Equal(new[] { "worst-group-r0.95-s3.png", "worst-group-r0.99-s3.png" }, files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.Equal((1000, 480), (Ffr.MLNet.Images.RgbImage.Load(f).Width, Ffr.MLNet.Images.RgbImage.Load(f).Height)));
    }

    [Fact]
    public void ReplaceGenerated_KeepsTheTextAroundTheMarkers()
    {
        string page = "# Results\n\nintro\n";
        string first = ResultsTable.ReplaceGenerated(page, "table one\n\n");
        Assert.Equal($"# Results\n\nintro\n\n{ResultsTable.GeneratedBegin}\n\ntable one\n\n{ResultsTable.GeneratedEnd}\n", first);
        string second = ResultsTable.ReplaceGenerated(first + "\nreading\n", "table two\n");
        Assert.Equal($"# Results\n\nintro\n\n{ResultsTable.GeneratedBegin}\n\ntable two\n\n{ResultsTable.GeneratedEnd}\n\nreading\n", second);
        Assert.Equal("table two\n", ResultsTable.ReadGenerated(second));
        Assert.Null(ResultsTable.ReadGenerated(page));
    }

    [Fact]
    public void ReplaceGenerated_EndMarkerAlone_SaysHowToFixThePage()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ResultsTable.ReplaceGenerated("x\n" + ResultsTable.GeneratedEnd, "t"));
        Assert.StartsWith("The page has the end marker without the begin marker;", ex.Message);
    }

    /// <summary>docs/results.md's tables are exactly what the writer makes of docs/results.csv.</summary>
    [Theory]
    [InlineData("results")]
    [InlineData("results-pretrained")]
    [InlineData("results-scratch64")]
    public void DocsResultsPage_IsWhatTheWriterMakesOfItsCsv(string name)
    {
        string docs = Path.Combine(RepositoryRoot(), "docs");
        string page = File.ReadAllText(Path.Combine(docs, name + ".md"));
        string? generated = ResultsTable.ReadGenerated(page);
        Assert.NotNull(generated);
        string expected = ResultsTable.ToMarkdown(ResultsTable.Read(Path.Combine(docs, name + ".csv")), name).TrimEnd('\n') + "\n";
        Assert.Equal(expected, generated);
        foreach (string chart in System.Text.RegularExpressions.Regex.Matches(generated, @"\]\((" + name + @"/[^)]+\.png)\)").Select(m => m.Groups[1].Value))
        {
            Assert.True(File.Exists(Path.Combine(docs, chart)), $"docs/{chart} is linked but missing; run the commands at the top of docs/results.md.");
        }
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Ffr.MLNet.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"No Ffr.MLNet.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void Append_ThenRead_RoundTripsEveryField()
    {
        string path = Path.Combine(_dir, "round.csv");
        var result = new ExperimentResult(new ExperimentCell(0.999, 5, SyntheticStrategy.Asb, TrainingMethod.Dfr, 2), 0.123456789, 0.9, 0.91, 0.7, 12.34);
        ResultsTable.Append(path, result);
        ResultsTable.Append(path, result with { Cell = result.Cell with { Seed = 3 } });
        List<ExperimentResult> read = ResultsTable.Read(path);
        Assert.Equal(2, read.Count);
        Assert.Equal(result with { Seconds = 12.3 }, read[0]);
        Assert.Equal("ASB-DFR", read[1].Cell.Name);
    }

    [Theory]
    [InlineData("0.99,3,ffr,erm,0,abc,0.9,0.9,0.8,10.0", "worstGroupAccuracy", "'abc' is not a number from 0 to 1")]
    [InlineData("0.99,3,ffr,erm,0,1.7,0.9,0.9,0.8,10.0", "worstGroupAccuracy", "'1.7' is not a number from 0 to 1")]
    [InlineData("0.99,3,ffr,erm,0,0.8,-0.5,0.9,0.8,10.0", "balancedAccuracy", "'-0.5' is not a number from 0 to 1")]
    [InlineData("0.99,3,ffr,erm,0,0.8,0.9,NaN,0.8,10.0", "accuracy", "'NaN' is not a number from 0 to 1")]
    [InlineData("0.99,3,bogus,erm,0,0.8,0.9,0.9,0.8,10.0", "strategy", "'bogus' is not one of none, usb, asb, ffr")]
    [InlineData("0.99,3,ffr,magic,0,0.8,0.9,0.9,0.8,10.0", "method", "'magic' is not one of erm, resample, groupdro, dfr")]
    [InlineData("0.99,x,ffr,erm,0,0.8,0.9,0.9,0.8,10.0", "severity", "'x' is not a whole number of at least 0")]
    [InlineData("0.99,3,ffr,erm,2147483648,0.8,0.9,0.9,0.8,10.0", "seed", "'2147483648' is not a whole number")]
    [InlineData("0.99,3,ffr,erm,0,0.8,0.9,0.9,0.8,-1", "seconds", "'-1' is not a number of at least 0")]
    public void Read_ImpossibleValue_NamesFileLineAndColumn(string line, string column, string problem)
    {
        string path = Path.Combine(_dir, "bad.csv");
        File.WriteAllText(path, "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds\n0.99,3,none,erm,0,0,0.25,0.25,0,8.8\n" + line + "\n");
        var ex = Assert.Throws<InvalidDataException>(() => ResultsTable.Read(path));
        Assert.Equal($"'{path}' line 3, column '{column}': {problem}. Fix the value, or delete the line to recompute that cell.", ex.Message);
    }

    [Fact]
    public void Read_ForeignFile_SaysWhatItExpected()
    {
        string path = Path.Combine(_dir, "other.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        var ex = Assert.Throws<InvalidDataException>(() => ResultsTable.Read(path));
        Assert.StartsWith($"'{path}' is not a results file: its header is 'a,b'", ex.Message);
    }

    [Fact]
    public void Append_ResultsWithCost_WritesTheCostColumnsAndReadsThemBack()
    {
        string path = Path.Combine(_dir, "results.csv");
        var cell = new ExperimentCell(0.95, 0, SyntheticStrategy.Ffr, TrainingMethod.GroupDro, 2);
        var result = new ExperimentResult(cell, 0.5, 0.75, 0.8, 0.625, 12.5) { Cost = new ExperimentCost(11.5, 4096, 123456789) };
        ResultsTable.Append(path, result);

        Assert.Equal(
            "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds,trainingSeconds,syntheticImages,peakMemoryBytes\n"
            + "0.95,0,ffr,groupdro,2,0.5,0.75,0.8,0.625,12.5,11.5,4096,123456789\n",
            File.ReadAllText(path));
        Assert.Equal(new[] { result }, ResultsTable.Read(path));
        var ex = Assert.Throws<ArgumentException>(() => ResultsTable.Append(path, result with { Cost = null }));
        Assert.StartsWith($"'{path}' records each cell's cost; this result has none.", ex.Message);
    }

    [Fact]
    public void Append_ToAFileWithoutCostColumns_KeepsItsShape()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, Csv);
        var cell = new ExperimentCell(0.95, 3, SyntheticStrategy.Asb, TrainingMethod.Erm, 0);
        ResultsTable.Append(path, new ExperimentResult(cell, 0.5, 0.75, 0.8, 0.625, 12.5) { Cost = new ExperimentCost(11.5, 4096, 1) });
        Assert.EndsWith("\n0.95,3,asb,erm,0,0.5,0.75,0.8,0.625,12.5\n", File.ReadAllText(path));
        Assert.All(ResultsTable.Read(path), r => Assert.Null(r.Cost));
    }
}
