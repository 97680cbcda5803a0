using Ffr.MLNet.Experiments;

namespace Ffr.MLNet.Experiments.Tests.Experiments;

public sealed class ResultsPageTests
{
    [Fact]
    public void ReplaceGenerated_KeepsTheTextAroundTheMarkers()
    {
        string page = "# Results\n\nintro\n";
        string first = ResultsPage.ReplaceGenerated(page, "table one\n\n");
        Assert.Equal($"# Results\n\nintro\n\n{ResultsPage.GeneratedBegin}\n\ntable one\n\n{ResultsPage.GeneratedEnd}\n", first);
        string second = ResultsPage.ReplaceGenerated(first + "\nreading\n", "table two\n");
        Assert.Equal($"# Results\n\nintro\n\n{ResultsPage.GeneratedBegin}\n\ntable two\n\n{ResultsPage.GeneratedEnd}\n\nreading\n", second);
        Assert.Equal("table two\n", ResultsPage.ReadGenerated(second));
        Assert.Null(ResultsPage.ReadGenerated(page));
    }

    [Fact]
    public void ReplaceGenerated_EndMarkerAlone_SaysHowToFixThePage()
    {
        var ex = Assert.Throws<InvalidDataException>(() => ResultsPage.ReplaceGenerated("x\n" + ResultsPage.GeneratedEnd, "t"));
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
        string? generated = ResultsPage.ReadGenerated(page);
        Assert.NotNull(generated);
        string expected = ResultsMarkdown.ToMarkdown(ResultsCsv.Read(Path.Combine(docs, name + ".csv")), name).TrimEnd('\n') + "\n";
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
}
