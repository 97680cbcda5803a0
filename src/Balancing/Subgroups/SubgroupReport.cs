using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MathNet.Numerics.Statistics;
using Microsoft.ML;

namespace Ffr.MLNet.Subgroups;

/// <summary>The number of rows of one subgroup.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Attribute">The attribute value.</param>
/// <param name="Count">Rows in the subgroup; 0 for an empty subgroup.</param>
public sealed record SubgroupCount(string Label, string Attribute, long Count)
{
    /// <summary>The subgroup's key.</summary>
    [JsonIgnore]
    public SubgroupKey Key => new(Label, Attribute);
}

/// <summary>How strongly one class is tied to one attribute value.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Count">Rows of the class.</param>
/// <param name="MajorityAttribute">The attribute value of the class's largest (bias-aligned) subgroup; ties go to the first in order.</param>
/// <param name="MajorityCount">Rows in that subgroup.</param>
/// <param name="BiasRate">MajorityCount / Count: the share of the class in its bias-aligned subgroup.</param>
public sealed record ClassBias(string Label, long Count, string MajorityAttribute, long MajorityCount, double BiasRate);

/// <summary>
/// Subgroup analysis of a dataset: rows per subgroup (label x attribute), per class the bias-aligned
/// attribute and the bias rate, the imbalance ratio, empty subgroups, and rows skipped because their
/// label or attribute is missing (counted, never silently dropped). Ordering is deterministic: labels
/// and attribute values sorted (integers numerically, then text ordinally).
/// </summary>
public sealed class SubgroupReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private readonly Dictionary<SubgroupKey, long> _counts;

    internal SubgroupReport(string labelColumnName, string attributeColumnName, SubgroupScan scan)
    {
        LabelColumnName = labelColumnName;
        AttributeColumnName = attributeColumnName;
        Labels = scan.Labels;
        Attributes = scan.Attributes;
        TotalRows = scan.TotalRows;
        SkippedRows = scan.SkippedRows;
        MissingLabelRows = scan.MissingLabelRows;
        MissingAttributeRows = scan.MissingAttributeRows;

        var groups = new List<SubgroupCount>(scan.Counts.Length);
        var classes = new List<ClassBias>(scan.Labels.Length);
        for (int l = 0; l < scan.Labels.Length; l++)
        {
            long classCount = 0, majority = -1;
            string majorityAttribute = string.Empty;
            for (int a = 0; a < scan.Attributes.Length; a++)
            {
                long count = scan.Counts[l * scan.Attributes.Length + a];
                groups.Add(new SubgroupCount(scan.Labels[l], scan.Attributes[a], count));
                classCount += count;
                if (count > majority)
                {
                    majority = count;
                    majorityAttribute = scan.Attributes[a];
                }
            }

            classes.Add(new ClassBias(scan.Labels[l], classCount, majorityAttribute, majority, classCount == 0 ? 0 : (double)majority / classCount));
        }

        Groups = groups;
        Classes = classes;
        _counts = groups.ToDictionary(g => g.Key, g => g.Count);
        EmptySubgroups = groups.Where(g => g.Count == 0).Select(g => g.Key).ToArray();
        long[] nonEmpty = groups.Where(g => g.Count > 0).Select(g => g.Count).ToArray();
        ImbalanceRatio = nonEmpty.Length == 0 ? double.NaN : (double)nonEmpty.Max() / nonEmpty.Min();
        MedianSubgroupSize = nonEmpty.Length == 0 ? double.NaN : nonEmpty.Select(c => (double)c).Median();

        var warnings = new List<string>();
        if (Labels.Count == 1)
        {
            warnings.Add($"Label column '{labelColumnName}' has a single class ('{Labels[0]}'): there is nothing to classify or balance.");
        }

        if (Attributes.Count == 1)
        {
            warnings.Add($"Attribute column '{attributeColumnName}' has a single value ('{Attributes[0]}'): there is no spurious attribute to balance; subgroups are the classes.");
        }

        if (SkippedRows > 0)
        {
            warnings.Add($"{SkippedRows} of {TotalRows} rows were skipped: {MissingLabelRows} with a missing label in '{labelColumnName}', {MissingAttributeRows} with a missing attribute in '{attributeColumnName}'.");
        }

        if (EmptySubgroups.Count > 0)
        {
            warnings.Add($"{EmptySubgroups.Count} subgroup(s) have no rows: {string.Join(", ", EmptySubgroups)}.");
        }

        Warnings = warnings;
    }

    /// <summary>The label column analysed.</summary>
    public string LabelColumnName { get; }

    /// <summary>The attribute column analysed.</summary>
    public string AttributeColumnName { get; }

    /// <summary>Distinct labels, sorted.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Distinct attribute values, sorted.</summary>
    public IReadOnlyList<string> Attributes { get; }

    /// <summary>Every subgroup (label x attribute, empty ones included), by label then attribute.</summary>
    public IReadOnlyList<SubgroupCount> Groups { get; }

    /// <summary>Per class, the bias-aligned attribute and the bias rate.</summary>
    public IReadOnlyList<ClassBias> Classes { get; }

    /// <summary>Subgroups with no rows.</summary>
    public IReadOnlyList<SubgroupKey> EmptySubgroups { get; }

    /// <summary>Largest non-empty subgroup / smallest non-empty subgroup; NaN when there is none.</summary>
    public double ImbalanceRatio { get; }

    /// <summary>Median size of the non-empty subgroups; NaN when there is none.</summary>
    public double MedianSubgroupSize { get; }

    /// <summary>Rows read.</summary>
    public long TotalRows { get; }

    /// <summary>Rows counted in a subgroup: <see cref="TotalRows"/> - <see cref="SkippedRows"/>.</summary>
    public long RowsKept => TotalRows - SkippedRows;

    /// <summary>Rows skipped because the label or the attribute (or both) is missing.</summary>
    public long SkippedRows { get; }

    /// <summary>Rows whose label is missing (empty text or key 0); may overlap <see cref="MissingAttributeRows"/>.</summary>
    public long MissingLabelRows { get; }

    /// <summary>Rows whose attribute is missing; may overlap <see cref="MissingLabelRows"/>.</summary>
    public long MissingAttributeRows { get; }

    /// <summary>Things a user should know: a single class, a single attribute value, skipped rows, empty subgroups.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Number of subgroups, empty ones included: labels x attribute values.</summary>
    [JsonIgnore]
    public int SubgroupCountTotal => Groups.Count;

    /// <summary>The count of one subgroup; 0 when either value is unknown.</summary>
    public long GetCount(string label, string attribute) => _counts.GetValueOrDefault(new SubgroupKey(label, attribute));

    /// <summary>Analyses <paramref name="data"/> in one pass.</summary>
    internal static SubgroupReport Create(TransformsCatalog transforms, IDataView data, string labelColumnName, string attributeColumnName)
    {
        ArgumentNullException.ThrowIfNull(data);
        SubgroupText text = SubgroupText.Create(transforms, data.Schema, labelColumnName, attributeColumnName);
        return new SubgroupReport(labelColumnName, attributeColumnName, SubgroupScan.Run(data, text, collectRows: false));
    }

    /// <summary>An aligned text table: subgroups, then classes, then totals and warnings.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(TextTable.Format(
            new[] { "Label", "Attribute", "Count", "Share of class" },
            Groups.Select(g =>
            {
                long classCount = Classes.First(c => c.Label == g.Label).Count;
                return new[] { g.Label, g.Attribute, g.Count.ToString(CultureInfo.InvariantCulture), classCount == 0 ? "-" : (100.0 * g.Count / classCount).ToString("0.0", CultureInfo.InvariantCulture) + "%" };
            }),
            rightAligned: new[] { 2, 3 }));
        sb.AppendLine();
        sb.AppendLine(TextTable.Format(
            new[] { "Label", "Count", "Bias-aligned attribute", "Bias rate" },
            Classes.Select(c => new[] { c.Label, c.Count.ToString(CultureInfo.InvariantCulture), c.MajorityAttribute, c.BiasRate.ToString("0.000", CultureInfo.InvariantCulture) }),
            rightAligned: new[] { 1, 3 }));
        sb.AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"Rows: {TotalRows} read, {RowsKept} kept, {SkippedRows} skipped ({MissingLabelRows} missing label, {MissingAttributeRows} missing attribute)").AppendLine();
        sb.Append(CultureInfo.InvariantCulture, $"Subgroups: {Groups.Count} ({EmptySubgroups.Count} empty); imbalance ratio {ImbalanceRatio:0.##}; median size {MedianSubgroupSize:0.#}").AppendLine();
        foreach (string warning in Warnings)
        {
            sb.Append("Warning: ").AppendLine(warning);
        }

        return sb.ToString();
    }

    /// <summary>The report as indented JSON (camelCase names).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        labelColumnName = LabelColumnName,
        attributeColumnName = AttributeColumnName,
        labels = Labels,
        attributes = Attributes,
        groups = Groups,
        classes = Classes,
        emptySubgroups = EmptySubgroups.Select(k => new { label = k.Label, attribute = k.Attribute }),
        imbalanceRatio = ImbalanceRatio,
        medianSubgroupSize = MedianSubgroupSize,
        totalRows = TotalRows,
        rowsKept = RowsKept,
        skippedRows = SkippedRows,
        missingLabelRows = MissingLabelRows,
        missingAttributeRows = MissingAttributeRows,
        warnings = Warnings,
    }, JsonOptions);
}
