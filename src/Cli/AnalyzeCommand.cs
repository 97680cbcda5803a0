using System.CommandLine;
using System.Text.Json;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Reports;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr analyze: the subgroup report of the real training rows and the synthetic budget of every strategy.</summary>
internal sealed class AnalyzeCommand : CliCommand
{
    private readonly ManifestInput _manifest = new("The manifest CSV.", pool: true);
    private readonly CliOption<int?> _imagesPerSubgroup = ManifestInput.ImagesPerSubgroup();
    private readonly CliOption<bool> _json = CliOptions.Flag("--json", "Print one JSON object instead of tables.");
    private readonly CliOption<string?> _chart = CliOptions.Text("--chart",
        "Also draw the bias as a PNG: per label, real training images per attribute (bias-aligned subgroup marked), the synthetic pool and each strategy's budget.");

    public AnalyzeCommand()
        : base("analyze", "Subgroup report (counts, bias rates) and the synthetic budget of USB, ASB and FFR.")
    {
        Add(_manifest.Options);
        Add(_imagesPerSubgroup);
        Add(_json);
        Add(_chart);
        Add(_manifest.Validation.Options);
    }

    public override int Run(ParseResult args, CliContext context)
    {
        string? chart = args.GetValue(_chart);
        if (chart is not null)
        {
            Outputs.Writable(_chart, chart);
        }

        (ImageManifest manifest, _) = _manifest.Load(args, context);
        var ml = context.NewMLContext();
        IReadOnlyList<ImageRow> real = manifest.Select(DataSplit.Train, SampleSource.Real);
        if (real.Count == 0)
        {
            throw new UserErrorException("The manifest has no real training rows (Source real, Split train); there is nothing to analyse.");
        }

        int? imagesPerSubgroup = args.GetValue(_imagesPerSubgroup);
        SubgroupReport report = ml.Data.AnalyzeSubgroups(manifest.ToDataView(DataSplit.Train, SampleSource.Real));
        SubgroupReport? pool = manifest.Select(DataSplit.Train, SampleSource.Synthetic).Count == 0 ? null : ml.Data.AnalyzeSubgroups(manifest.ToDataView(DataSplit.Train, SampleSource.Synthetic));

        // Planned with the pool and shortfalls allowed, so that Available shows the pool and a short pool is reported here, as 'train' would find it.
        IReadOnlyList<SyntheticBudgetPlan> budgets = SyntheticBudgetPlan.CreateForEachStrategy(report, pool, imagesPerSubgroup);
        var plans = budgets.ToDictionary(p => p.Strategy);
        if (chart is not null)
        {
            Charts.BiasPicture(report, pool, budgets, chart);
            context.Error.WriteLine($"Wrote the chart of the bias to {chart}.");
        }

        if (args.GetValue(_json))
        {
            var json = new
            {
                groups = manifest.Select(DataSplit.Train).GroupBy(r => (r.Label, r.Attribute, r.Source)).OrderBy(g => g.Key.Label, StringComparer.Ordinal).ThenBy(g => g.Key.Attribute, StringComparer.Ordinal).ThenBy(g => g.Key.Source)
                    .Select(g => new { label = g.Key.Label, attribute = g.Key.Attribute, source = ImageRow.Format(g.Key.Source), count = g.Count() }),
                biasRate = report.Classes.ToDictionary(c => c.Label, c => c.BiasRate),
                budget = plans.ToDictionary(p => Names.Format(p.Key), p => p.Value.Subgroups.ToDictionary(s => s.Key.ToString(), s => s.Needed)),
                available = pool is null ? null : plans[SyntheticStrategy.Usb].Subgroups.ToDictionary(s => s.Key.ToString(), s => s.Available),
                shortfall = plans.ToDictionary(p => Names.Format(p.Key), p => p.Value.Shortfalls.ToDictionary(s => s.Key.ToString(), s => s.Missing)),
                imbalanceRatio = report.ImbalanceRatio,
                emptySubgroups = report.EmptySubgroups.Select(k => k.ToString()),
                skippedRows = report.SkippedRows,
            };
            context.Out.WriteLine(JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }

        context.Out.WriteLine("Real training rows by subgroup");
        context.Out.WriteLine(report.ToTable());
        foreach ((SyntheticStrategy strategy, SyntheticBudgetPlan plan) in plans)
        {
            context.Out.WriteLine();
            context.Out.WriteLine($"Synthetic budget, {strategy}");
            context.Out.WriteLine(plan.ToTable());
            context.Out.WriteLine(pool is null
                ? $"The manifest has no synthetic images yet: 'ffr plan --strategy {Names.Format(strategy)}' writes what to generate."
                : plan.Shortfalls.Count == 0
                    ? "The synthetic pool covers this budget."
                    : CliErrors.Shortfall(plan));
        }

        return 0;
    }
}
