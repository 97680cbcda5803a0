namespace Ffr.MLNet.Subgroups;

/// <summary>
/// A subgroup: one class label crossed with one value of the spurious attribute. Values are the
/// text forms of the column values (key values for key columns, "True"/"False" for booleans,
/// invariant digits for integers).
/// </summary>
/// <param name="Label">The class label.</param>
/// <param name="Attribute">The attribute value.</param>
public readonly record struct SubgroupKey(string Label, string Attribute)
{
    /// <summary>"label|attribute", the form used in JSON outputs.</summary>
    public override string ToString() => Label + "|" + Attribute;
}
