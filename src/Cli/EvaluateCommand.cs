using System.CommandLine;
using System.Text.Json;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr evaluate: subgroup evaluation of a saved model on a manifest split.</summary>
internal sealed class EvaluateCommand : CliCommand
{
    private readonly CliOption<string> _model = CliOptions.Required("--model", "A model zip written by 'ffr train'.");
    private readonly ManifestInput _manifest = new("The manifest CSV.");
    private readonly CliOption<DataSplit> _split = CliOptions.Choice("--split", "train, val or test.", Names.Splits, DataSplit.Test);
    private readonly CliOption<bool> _json = CliOptions.Flag("--json", "Print one JSON object instead of a table.");

    public EvaluateCommand()
        : base("evaluate", "Worst-group, balanced and plain accuracy of a saved model, per subgroup.")
    {
        Add(_model);
        Add(_manifest.Options);
        Add(_split);
        Add(_json);
        Add(_manifest.Validation.Options);
    }

    public override int Run(ParseResult args, CliContext context)
    {
        string modelPath = Inputs.File(args, _model, "Model", $"Train one with 'ffr train --model-out {args.Value(_model)} ...'.");
        DataSplit split = args.GetValue(_split);
        var ml = context.NewMLContext();
        (ImageManifest manifest, _) = _manifest.Load(args, context);
        ITransformer model = ml.Model.LoadChecked(modelPath, out DataViewSchema inputSchema);
        try
        {
            CheckLabels(ModelFile.Labels(model, inputSchema), manifest, split, context);
            SubgroupEvaluation evaluation = new ExperimentRunner(ml, manifest).Evaluate(model, split);
            context.Out.WriteLine(args.GetValue(_json) ? Json(evaluation) : evaluation.ToTable());
            return 0;
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>Labels of the split the model cannot predict stop the evaluation (with their lines); classes the manifest's training rows have and the model lacks are a warning.</summary>
    private static void CheckLabels(IReadOnlyList<string> modelLabels, ImageManifest manifest, DataSplit split, CliContext context)
    {
        var known = modelLabels.ToHashSet(StringComparer.Ordinal);
        var unknown = manifest.Select(split).Where(r => !known.Contains(r.Label)).GroupBy(r => r.Label, StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            string list = string.Join("; ", unknown.Select(g => $"'{g.Key}' ({g.Count()} row(s), manifest line(s) {string.Join(", ", g.Take(10).Select(r => r.Line))}{(g.Count() > 10 ? ", ..." : string.Empty)})"));
            throw new InvalidDataException(
                $"The {ImageRow.Format(split)} split has label(s) the model was not trained on: {list}. The model knows {string.Join(", ", modelLabels)}. Evaluate on rows of those classes, or train a model on a manifest that has these labels.");
        }

        string[] missing = manifest.Select(DataSplit.Train, SampleSource.Real).Select(r => r.Label).Distinct(StringComparer.Ordinal).Where(l => !known.Contains(l)).ToArray();
        if (missing.Length > 0)
        {
            context.Error.WriteLine($"Warning: the model knows {modelLabels.Count} class(es) ({string.Join(", ", modelLabels)}); the manifest's training rows also have {string.Join(", ", missing.Select(l => $"'{l}'"))}. Was it trained on another manifest?");
        }
    }

    private static string Json(SubgroupEvaluation evaluation)
    {
        static double? N(double v) => double.IsNaN(v) ? null : v;
        return JsonSerializer.Serialize(new
        {
            worstGroupAccuracy = N(evaluation.WorstGroupAccuracy),
            balancedAccuracy = N(evaluation.BalancedAccuracy),
            accuracy = N(evaluation.Accuracy),
            biasAlignedAccuracy = evaluation.BiasAlignedAccuracy,
            biasConflictingAccuracy = evaluation.BiasConflictingAccuracy,
            groups = evaluation.Groups.Select(g => new { label = g.Label, attribute = g.Attribute, count = g.Count, accuracy = N(g.Accuracy) }),
        }, new JsonSerializerOptions { WriteIndented = true });
    }
}
