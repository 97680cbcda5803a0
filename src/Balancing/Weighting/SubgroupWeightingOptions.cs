namespace Ffr.MLNet.Weighting;

/// <summary>Options of <see cref="SubgroupWeightingEstimator"/>.</summary>
public sealed class SubgroupWeightingOptions
{
    /// <summary>The column written: one Single weight per row, usable as any trainer's example-weight column.</summary>
    /// <value>The default value is "Weight".</value>
    public string OutputColumnName { get; set; } = SubgroupWeightingDefaults.OutputColumnName;

    /// <summary>The class label column (Key with key values, Text, Boolean or integer).</summary>
    /// <value>The default value is "Label".</value>
    public string LabelColumnName { get; set; } = SubgroupWeightingDefaults.LabelColumnName;

    /// <summary>The spurious attribute column (Key with key values, Text, Boolean or integer).</summary>
    /// <value>The default value is "Attribute".</value>
    public string AttributeColumnName { get; set; } = SubgroupWeightingDefaults.AttributeColumnName;

    /// <summary>The weight of a row whose subgroup was not seen when fitting (or whose label or attribute is missing).</summary>
    /// <value>The default value is 1, the neutral weight.</value>
    public float UnseenSubgroupWeight { get; set; } = SubgroupWeightingDefaults.UnseenSubgroupWeight;
}

/// <summary>Defaults shared by the options and the catalog's optional parameters.</summary>
internal static class SubgroupWeightingDefaults
{
    public const string OutputColumnName = "Weight";
    public const string LabelColumnName = "Label";
    public const string AttributeColumnName = "Attribute";
    public const float UnseenSubgroupWeight = 1f;
}
