using Ffr.MLNet.Budgets;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr plan: prompts and counts for a text-to-image generator.</summary>
internal sealed class PlanCommand : Command
{
    public override string Name => "plan";

    public override string Summary => "Generation plan (one prompt and seed per image) for a text-to-image generator.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("manifest", "The manifest CSV.", Required: true),
        new OptionSpec("strategy", "usb, asb or ffr.", Required: true),
        new OptionSpec("out", "Folder for generation-plan.jsonl and generation-plan.csv.", Required: true),
        new OptionSpec("template", "Prompt template with {label} and {phrase}.", Default: "a photo of a {label} {phrase}"),
        new OptionSpec("seed", "Seed of the per-image generator seeds.", Default: "0"),
    }.Concat(Inputs.ManifestOptions).ToArray();

    public override int Run(Arguments args, CliContext context)
    {
        (ImageManifest manifest, _) = Inputs.Manifest(args, context);
        SyntheticStrategy strategy = args.Enum("strategy", SyntheticStrategy.Ffr, Names.Strategies);
        var ml = context.NewMLContext();
        var report = ml.Data.AnalyzeSubgroups(manifest.ToDataView(DataSplit.Train, SampleSource.Real));
        var templates = new PromptTemplates();
        if (args.Value("template") is string template)
        {
            templates.DefaultTemplate = template;
        }

        GenerationPlan plan = GenerationPlan.Create(SyntheticBudgetPlan.Create(report, strategy), templates, args.Int("seed", 0));
        (string jsonl, string csv) = plan.Write(args.Required("out"));
        context.Out.WriteLine($"{plan.Items.Count} images to generate for {strategy}:");
        foreach ((string subgroup, int count) in plan.CountsBySubgroup)
        {
            context.Out.WriteLine($"  {subgroup}: {count}");
        }

        context.Out.WriteLine($"Wrote {jsonl} and {csv}. Generate the images into <label>/<attribute>/ folders as the 'file' column says.");
        return 0;
    }
}
