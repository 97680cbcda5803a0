using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Weighting;

/// <summary>
/// The fitted subgroup weighting: adds the weight column. It is a thin view over a chain of ML.NET's
/// own transformers, and it saves as that chain, so a saved model loads in any MLContext
/// (as a <see cref="TransformerChain{TLastTransformer}"/>) without this assembly.
/// </summary>
public sealed class SubgroupWeightingTransformer : ITransformer
{
    private readonly ITransformer _chain;

    internal SubgroupWeightingTransformer(ITransformer chain, SubgroupReport report, IReadOnlyDictionary<SubgroupKey, float> weights, string outputColumnName)
    {
        _chain = chain;
        Report = report;
        Weights = weights;
        OutputColumnName = outputColumnName;
    }

    /// <summary>The subgroup report of the data it was fitted on.</summary>
    public SubgroupReport Report { get; }

    /// <summary>The weight of every non-empty subgroup seen when fitting.</summary>
    public IReadOnlyDictionary<SubgroupKey, float> Weights { get; }

    /// <summary>The weight column's name.</summary>
    public string OutputColumnName { get; }

    /// <inheritdoc />
    public bool IsRowToRowMapper => _chain.IsRowToRowMapper;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _chain.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _chain.Transform(input);

    /// <summary>Saves the underlying ML.NET transformer chain (what <c>mlContext.Model.Save</c> calls).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _chain.Save(ctx);
}
