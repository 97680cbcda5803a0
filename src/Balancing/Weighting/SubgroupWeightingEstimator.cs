using System.Globalization;
using System.Text;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Weighting;

/// <summary>
/// Adds inverse-frequency example weights: a row of subgroup g (label x attribute) gets
/// w_g = n / (G * n_g), n the rows, G the non-empty subgroups, n_g the rows of g. The weights
/// average 1 over the rows and every subgroup's weights sum to the same total n / G, so a
/// weighted trainer sees each subgroup equally.
/// </summary>
/// <remarks>
/// <para>
/// The fitted <see cref="SubgroupWeightingTransformer"/> is built from ML.NET's own transformers
/// (type conversion to text, an <c>Expression</c> transform holding the weight table, column
/// dropping), so <c>mlContext.Model.Save</c> stores it and a fresh MLContext loads it with no code
/// of ours; the loaded model is a <see cref="TransformerChain{TLastTransformer}"/> that computes the
/// same weights.
/// </para>
/// <list type="table">
/// <listheader><term>Column</term><description>Type and role</description></listheader>
/// <item><term>Label (input)</term><description>Key with key values, Text, Boolean or integer scalar</description></item>
/// <item><term>Attribute (input)</term><description>Key with key values, Text, Boolean or integer scalar</description></item>
/// <item><term>Weight (output)</term><description>Single scalar; the example weight</description></item>
/// </list>
/// </remarks>
public sealed class SubgroupWeightingEstimator : IEstimator<SubgroupWeightingTransformer>
{
    private readonly TransformsCatalog _transforms;
    private readonly SubgroupWeightingOptions _options;

    internal SubgroupWeightingEstimator(TransformsCatalog transforms, SubgroupWeightingOptions options)
    {
        ArgumentNullException.ThrowIfNull(transforms);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.OutputColumnName, nameof(options.OutputColumnName));
        if (!float.IsFinite(options.UnseenSubgroupWeight) || options.UnseenSubgroupWeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"UnseenSubgroupWeight must be a finite, non-negative number; got {options.UnseenSubgroupWeight}.");
        }

        _transforms = transforms;
        _options = options;
    }

    /// <summary>Counts the subgroups of <paramref name="input"/> and builds the weighting transformer.</summary>
    public SubgroupWeightingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        SubgroupText text = SubgroupText.Create(_transforms, input.Schema, _options.LabelColumnName, _options.AttributeColumnName);
        SubgroupScan scan = SubgroupScan.Run(input, text, collectRows: false);
        SubgroupChecks.ForBalancing(scan, _options.LabelColumnName, _options.AttributeColumnName);
        var report = new SubgroupReport(_options.LabelColumnName, _options.AttributeColumnName, scan);

        long rows = report.RowsKept;
        int nonEmpty = report.Groups.Count(g => g.Count > 0);
        var weights = new Dictionary<SubgroupKey, float>();
        foreach (SubgroupCount group in report.Groups.Where(g => g.Count > 0))
        {
            weights[group.Key] = (float)((double)rows / ((double)nonEmpty * group.Count));
        }

        ITransformer chain = Compose(text, Expression(report, weights)).Fit(input);
        var transformer = new SubgroupWeightingTransformer(chain, report, weights, _options.OutputColumnName);
        transformer.GetOutputSchema(input.Schema); // self-check, as ML.NET's trainers do
        return transformer;
    }

    /// <summary>The input shape plus the Single weight column.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);

        // The same composition with a placeholder weight table gives the exact output shape.
        SubgroupText text = SubgroupText.Create(_transforms, inputSchema, _options.LabelColumnName, _options.AttributeColumnName);
        return Compose(text, "(l, a) => 1.0").GetOutputSchema(inputSchema);
    }

    private IEstimator<ITransformer> Compose(SubgroupText text, string expression)
    {
        IEstimator<ITransformer> weight = _transforms.Expression(_options.OutputColumnName, expression, text.LabelText, text.AttributeText);
        IEstimator<ITransformer> chain = text.Estimator is null ? weight : text.Estimator.Append(weight);
        return text.Temporaries.Count == 0 ? chain : chain.Append(_transforms.DropColumns(text.Temporaries.ToArray()));
    }

    /// <summary>
    /// The weight table as an ML.NET expression:
    /// <c>(l, a) =&gt; l == @"x" ? (a == @"p" ? 0.5 : ... : unseen) : ... : unseen</c>.
    /// </summary>
    internal string Expression(SubgroupReport report, IReadOnlyDictionary<SubgroupKey, float> weights)
    {
        string unseen = Literal(_options.UnseenSubgroupWeight);
        var sb = new StringBuilder("(l, a) => ");
        foreach (string label in report.Labels)
        {
            sb.Append("l == ").Append(Literal(label)).Append(" ? (");
            foreach (string attribute in report.Attributes)
            {
                if (weights.TryGetValue(new SubgroupKey(label, attribute), out float w))
                {
                    sb.Append("a == ").Append(Literal(attribute)).Append(" ? ").Append(Literal(w)).Append(" : ");
                }
            }

            sb.Append(unseen).Append(") : ");
        }

        sb.Append(unseen);
        return sb.ToString();
    }

    private static string Literal(string value) => "@\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string Literal(float value) => ((double)value).ToString("0.0###############", CultureInfo.InvariantCulture);
}
