using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Composition;

/// <summary>The training rows of one strategy: real and/or synthetic images, each keeping its Source.</summary>
public sealed class ComposedTrainingSet
{
    internal ComposedTrainingSet(SyntheticStrategy strategy, SyntheticBudgetPlan plan, IReadOnlyList<ImageRow> rows, IReadOnlyList<ImageRow> syntheticUsed)
    {
        Strategy = strategy;
        Plan = plan;
        Rows = rows;
        SyntheticUsed = syntheticUsed;
    }

    /// <summary>The strategy composed.</summary>
    public SyntheticStrategy Strategy { get; }

    /// <summary>The synthetic budget that was applied.</summary>
    public SyntheticBudgetPlan Plan { get; }

    /// <summary>
    /// The training rows: None, the real rows; USB and ASB, the real rows then the synthetic ones;
    /// FFR, the synthetic rows of phase 1 only (phase 2 trains on the real rows).
    /// </summary>
    public IReadOnlyList<ImageRow> Rows { get; }

    /// <summary>Which synthetic images were used, in the order they were added.</summary>
    public IReadOnlyList<ImageRow> SyntheticUsed { get; }

    /// <summary>Rows per (label, attribute, source), the groups the group-aware methods use with USB and ASB.</summary>
    public IReadOnlyDictionary<(string Label, string Attribute, SampleSource Source), int> CountsBySourceGroup() =>
        Rows.GroupBy(r => (r.Label, r.Attribute, r.Source)).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>The rows as an IDataView (text columns ImagePath, Label, Attribute, Source, Split).</summary>
    public IDataView ToDataView() => ImageManifest.FromRows(Rows).ToDataView();
}
