using System.CommandLine;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.IO;

namespace Ffr.MLNet.Cli;

/// <summary>
/// ffr results: regenerates a results page from results CSVs written by 'ffr reproduce': the part
/// between the page's markers (tables per bias rate and severity) and one chart per setting. The
/// rest of the page (its reading of the numbers) is kept.
/// </summary>
internal sealed class ResultsCommand : CliCommand
{
    private readonly CliOption<string[]> _csv = CliOptions.Many("--csv", "One or more results.csv files of 'ffr reproduce', comma- or space-separated.", required: true);
    private readonly CliOption<string> _page = CliOptions.Required("--page", "The markdown page to write; its generated part is replaced, the rest kept (a new page is created).", "-o");
    private readonly CliOption<string> _charts = CliOptions.Text("--charts", "The charts' folder, relative to the page's folder.", "results");

    public ResultsCommand()
        : base("results", "Regenerate a markdown results page (tables and charts) from results.csv files of 'ffr reproduce'.")
    {
        Add(_csv);
        Add(_page);
        Add(_charts);
    }

    public override int Run(ParseResult args, CliContext context)
    {
        var results = new List<ExperimentResult>();
        var origin = new Dictionary<ExperimentCell, string>();
        foreach (string csv in args.Value(_csv).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries)))
        {
            if (new FileInfo(Inputs.Require(csv, "Results file", "Pass the results.csv that 'ffr reproduce --out <folder>' wrote in its folder.")).Length == 0)
            {
                throw new InvalidDataException($"Results file '{csv}' is empty; pass a results.csv that 'ffr reproduce' wrote (its first line is the header).");
            }

            foreach (ExperimentResult result in ResultsCsv.Read(csv))
            {
                if (!origin.TryAdd(result.Cell, csv))
                {
                    throw new UserErrorException($"Cell {result.Cell.Name} (bias rate {result.Cell.BiasRate}, severity {result.Cell.Severity}, seed {result.Cell.Seed}) is in both '{origin[result.Cell]}' and '{csv}'. Keep one of the two rows.");
                }

                results.Add(result);
            }
        }

        if (results.Count == 0)
        {
            throw new UserErrorException($"The results files ({string.Join(", ", args.Value(_csv))}) hold no results. Run 'ffr reproduce' first.");
        }

        string page = Path.GetFullPath(args.Value(_page));
        Outputs.Writable(_page, page);
        string chartFolder = args.Value(_charts).Replace('\\', '/').TrimEnd('/');
        string pageFolder = Path.GetDirectoryName(page)!;
        IReadOnlyList<string> charts = ResultsCharts.Write(results, Path.Combine(pageFolder, chartFolder));
        string before = File.Exists(page) ? File.ReadAllText(page) : string.Empty;
        AtomicFile.WriteText(page, ResultsPage.ReplaceGenerated(before, ResultsMarkdown.ToMarkdown(results, chartFolder)));
        context.Out.WriteLine($"Wrote {results.Count} cells to {page} and {charts.Count} charts to {Path.Combine(pageFolder, chartFolder)}.");
        return 0;
    }
}
