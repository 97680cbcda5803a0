using System.Text.Json;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr evaluate: subgroup evaluation of a saved model on a manifest split.</summary>
internal sealed class EvaluateCommand : Command
{
    public override string Name => "evaluate";

    public override string Summary => "Worst-group, balanced and plain accuracy of a saved model, per subgroup.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("model", "A model zip written by 'ffr train'.", Required: true),
        new OptionSpec("manifest", "The manifest CSV.", Required: true),
        new OptionSpec("split", "train, val or test.", Default: "test"),
        new OptionSpec("json", "Print one JSON object instead of a table.", IsFlag: true),
    };

    public override int Run(Arguments args, CliContext context)
    {
        string modelPath = args.Required("model");
        if (!File.Exists(modelPath))
        {
            throw new UserErrorException($"Model '{modelPath}' was not found. Train one with 'ffr train --model-out {modelPath} ...'.");
        }

        DataSplit split = args.Enum("split", DataSplit.Test, Names.Splits);
        var ml = new MLContext(seed: 0);
        var runner = new ExperimentRunner(ml, Names.LoadManifest(args.Required("manifest")));
        ITransformer model = ml.Model.Load(modelPath, out _);
        SubgroupEvaluation evaluation = runner.Evaluate(model, split);
        if (!args.Flag("json"))
        {
            context.Out.WriteLine(evaluation.ToTable());
            return 0;
        }

        static double? N(double v) => double.IsNaN(v) ? null : v;
        context.Out.WriteLine(JsonSerializer.Serialize(new
        {
            worstGroupAccuracy = N(evaluation.WorstGroupAccuracy),
            balancedAccuracy = N(evaluation.BalancedAccuracy),
            accuracy = N(evaluation.Accuracy),
            biasAlignedAccuracy = evaluation.BiasAlignedAccuracy,
            biasConflictingAccuracy = evaluation.BiasConflictingAccuracy,
            groups = evaluation.Groups.Select(g => new { label = g.Label, attribute = g.Attribute, count = g.Count, accuracy = N(g.Accuracy) }),
        }, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }
}
