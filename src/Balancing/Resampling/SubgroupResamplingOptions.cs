namespace Ffr.MLNet.Resampling;

/// <summary>How <see cref="SubgroupResamplingOptions"/> equalises subgroup counts.</summary>
public enum SubgroupResamplingMode
{
    /// <summary>Keep every row once and top each subgroup up to the target with rows drawn with replacement from it.</summary>
    UpSample,

    /// <summary>Keep a random target-sized subset (without replacement) of each subgroup.</summary>
    DownSample,
}

/// <summary>Options of the group-balanced resampling data operation (<c>mlContext.Data.ResampleSubgroups</c>).</summary>
public sealed class SubgroupResamplingOptions
{
    /// <summary>The class label column (Key with key values, Text, Boolean or integer).</summary>
    /// <value>The default value is "Label".</value>
    public string LabelColumnName { get; set; } = SubgroupResamplingDefaults.LabelColumnName;

    /// <summary>The spurious attribute column (Key with key values, Text, Boolean or integer).</summary>
    /// <value>The default value is "Attribute".</value>
    public string AttributeColumnName { get; set; } = SubgroupResamplingDefaults.AttributeColumnName;

    /// <summary>Up-sample with replacement or down-sample.</summary>
    /// <value>The default value is <see cref="SubgroupResamplingMode.UpSample"/>.</value>
    public SubgroupResamplingMode Mode { get; set; } = SubgroupResamplingDefaults.Mode;

    /// <summary>Rows per non-empty subgroup after resampling.</summary>
    /// <value>The default value is null: the largest subgroup's count when up-sampling, the smallest non-empty one's when down-sampling.</value>
    public int? RowsPerSubgroup { get; set; }

    /// <summary>Seed of the draws.</summary>
    /// <value>The default value is null: a seed drawn from the MLContext, as ML.NET's own operations do.</value>
    public int? Seed { get; set; }
}

/// <summary>Defaults shared by the options and the catalog's optional parameters.</summary>
internal static class SubgroupResamplingDefaults
{
    public const string LabelColumnName = "Label";
    public const string AttributeColumnName = "Attribute";
    public const SubgroupResamplingMode Mode = SubgroupResamplingMode.UpSample;
}
