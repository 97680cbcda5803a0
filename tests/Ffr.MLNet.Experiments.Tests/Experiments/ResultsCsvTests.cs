using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ResultsCsvTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Append_ThenRead_RoundTripsEveryField()
    {
        string path = Path.Combine(_dir, "round.csv");
        var result = new ExperimentResult(new ExperimentCell(0.999, 5, SyntheticStrategy.Asb, TrainingMethod.Dfr, 2), 0.123456789, 0.9, 0.91, 0.7, 12.34);
        ResultsCsv.Append(path, result);
        ResultsCsv.Append(path, result with { Cell = result.Cell with { Seed = 3 } });
        List<ExperimentResult> read = ResultsCsv.Read(path);
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
        var ex = Assert.Throws<InvalidDataException>(() => ResultsCsv.Read(path));
        Assert.Equal($"'{path}' line 3, column '{column}': {problem}. Fix the value, or delete the line to recompute that cell.", ex.Message);
    }

    [Fact]
    public void Read_ForeignFile_SaysWhatItExpected()
    {
        string path = Path.Combine(_dir, "other.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        var ex = Assert.Throws<InvalidDataException>(() => ResultsCsv.Read(path));
        Assert.StartsWith($"'{path}' is not a results file: its header is 'a,b'", ex.Message);
    }

    [Fact]
    public void Append_ResultsWithCost_WritesTheCostColumnsAndReadsThemBack()
    {
        string path = Path.Combine(_dir, "results.csv");
        var cell = new ExperimentCell(0.95, 0, SyntheticStrategy.Ffr, TrainingMethod.GroupDro, 2);
        var result = new ExperimentResult(cell, 0.5, 0.75, 0.8, 0.625, 12.5) { Cost = new ExperimentCost(11.5, 4096, 123456789) };
        ResultsCsv.Append(path, result);

        Assert.Equal(
            "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds,trainingSeconds,syntheticImages,peakMemoryBytes\n"
            + "0.95,0,ffr,groupdro,2,0.5,0.75,0.8,0.625,12.5,11.5,4096,123456789\n",
            File.ReadAllText(path));
        Assert.Equal(new[] { result }, ResultsCsv.Read(path));
        var ex = Assert.Throws<ArgumentException>(() => ResultsCsv.Append(path, result with { Cost = null }));
        Assert.StartsWith($"'{path}' records each cell's cost; this result has none.", ex.Message);
    }

    [Fact]
    public void Append_ToAFileWithoutCostColumns_KeepsItsShape()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, ResultsSamples.Csv);
        var cell = new ExperimentCell(0.95, 3, SyntheticStrategy.Asb, TrainingMethod.Erm, 0);
        ResultsCsv.Append(path, new ExperimentResult(cell, 0.5, 0.75, 0.8, 0.625, 12.5) { Cost = new ExperimentCost(11.5, 4096, 1) });
        Assert.EndsWith("\n0.95,3,asb,erm,0,0.5,0.75,0.8,0.625,12.5\n", File.ReadAllText(path));
        Assert.All(ResultsCsv.Read(path), r => Assert.Null(r.Cost));
    }
}
