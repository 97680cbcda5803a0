using System.CommandLine;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr plan: prompts and counts for a text-to-image generator.</summary>
internal sealed class PlanCommand : CliCommand
{
    private readonly ManifestInput _manifest = new("The manifest CSV.");
    private readonly CliOption<SyntheticStrategy> _strategy = CliOptions.RequiredChoice("--strategy", "usb, asb or ffr.", Names.Strategies, "-s");
    private readonly CliOption<string> _out = CliOptions.Required("--out", "Folder for generation-plan.jsonl and generation-plan.csv.", "-o");
    private readonly CliOption<string> _template = CliOptions.Text("--template", "Prompt template with {label} and {phrase}.", new PromptTemplates().DefaultTemplate);
    private readonly CliOption<int> _seed = CliOptions.Int("--seed", "Seed of the per-image generator seeds.", CliContext.Seed);

    public PlanCommand()
        : base("plan", "Generation plan (one prompt and seed per image) for a text-to-image generator.")
    {
        Add(_manifest.Options);
        Add(_strategy);
        Add(_out);
        Add(_template);
        Add(_seed);
        Add(_manifest.Validation.Options);
    }

    public override int Run(ParseResult args, CliContext context)
    {
        (ImageManifest manifest, _) = _manifest.Load(args, context);
        SyntheticStrategy strategy = args.GetValue(_strategy);
        var ml = context.NewMLContext();
        var report = ml.Data.AnalyzeSubgroups(manifest.ToDataView(DataSplit.Train, SampleSource.Real));
        var templates = new PromptTemplates { DefaultTemplate = args.Value(_template) };
        GenerationPlan plan = GenerationPlan.Create(SyntheticBudgetPlan.Create(report, strategy), templates, args.GetValue(_seed));
        (string jsonl, string csv) = plan.Write(args.Value(_out));
        context.Out.WriteLine($"{plan.Items.Count} images to generate for {strategy}:");
        foreach ((string subgroup, int count) in plan.CountsBySubgroup)
        {
            context.Out.WriteLine($"  {subgroup}: {count}");
        }

        context.Out.WriteLine($"Wrote {jsonl} and {csv}. Generate the images into <label>/<attribute>/ folders as the 'file' column says.");
        return 0;
    }
}
