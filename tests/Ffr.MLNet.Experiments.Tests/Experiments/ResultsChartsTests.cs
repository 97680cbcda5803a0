using Ffr.MLNet.Experiments;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ResultsChartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-results-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_OnePngPerSetting()
    {
        string path = Path.Combine(_dir, "results.csv");
        File.WriteAllText(path, ResultsSamples.Csv);
        IReadOnlyList<string> files = ResultsCharts.Write(ResultsCsv.Read(path), Path.Combine(_dir, "charts"));
        Assert.Equal(new[] { "worst-group-r0.95-s3.png", "worst-group-r0.99-s3.png" }, files.Select(Path.GetFileName));
        Assert.All(files, f => Assert.Equal((1000, 480), (Ffr.MLNet.Images.RgbImage.Load(f).Width, Ffr.MLNet.Images.RgbImage.Load(f).Height)));
    }
}
