using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Trainers.Tests.Experiments;

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
        "### Bias rate 0.95, synthetic signature severity 3\n\n" +
        "| Strategy-method | Worst-group accuracy | Balanced accuracy | Seeds |\n" +
        "| --- | ---: | ---: | ---: |\n" +
        "| USB-ERM | 0.500 ± 0.000 | 0.900 ± 0.000 | 1 |\n\n" +
        "### Bias rate 0.99, synthetic signature severity 3\n\n" +
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

    [Fact]
    public void Read_ForeignFile_SaysWhatItExpected()
    {
        string path = Path.Combine(_dir, "other.csv");
        File.WriteAllText(path, "a,b\n1,2\n");
        var ex = Assert.Throws<InvalidDataException>(() => ResultsTable.Read(path));
        Assert.StartsWith($"'{path}' is not a results file: its header is 'a,b'", ex.Message);
    }
}
