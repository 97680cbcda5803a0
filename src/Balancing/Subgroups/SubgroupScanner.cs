using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Subgroups;

/// <summary>
/// One pass over the label and attribute text columns: distinct values, counts per subgroup,
/// missing values, and optionally the subgroup of every row (an int per row, no row data).
/// </summary>
internal sealed class SubgroupScan
{
    /// <summary>Distinct labels, sorted (numbers numerically, then text ordinally).</summary>
    public required string[] Labels { get; init; }

    /// <summary>Distinct attribute values, sorted the same way.</summary>
    public required string[] Attributes { get; init; }

    /// <summary>Counts indexed [label * Attributes.Length + attribute].</summary>
    public required long[] Counts { get; init; }

    /// <summary>Rows read.</summary>
    public long TotalRows { get; init; }

    /// <summary>Rows whose label is missing (empty text or key 0).</summary>
    public long MissingLabelRows { get; init; }

    /// <summary>Rows whose attribute is missing.</summary>
    public long MissingAttributeRows { get; init; }

    /// <summary>Rows with a missing label or attribute (either or both).</summary>
    public long SkippedRows { get; init; }

    /// <summary>The first row (0-based) with a missing label or attribute, or -1.</summary>
    public long FirstSkippedRow { get; init; } = -1;

    /// <summary>Per row, its subgroup index (label * Attributes.Length + attribute), or -1; null unless asked for.</summary>
    public int[]? RowGroups { get; init; }

    /// <summary>Reads <paramref name="data"/> once.</summary>
    public static SubgroupScan Run(IDataView data, SubgroupText columns, bool collectRows)
    {
        IDataView text = columns.Apply(data);
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var attributes = new Dictionary<string, int>(StringComparer.Ordinal);
        var labelLookup = labels.GetAlternateLookup<ReadOnlySpan<char>>();
        var attributeLookup = attributes.GetAlternateLookup<ReadOnlySpan<char>>();
        var pairCounts = new Dictionary<long, long>();
        int[] rows = collectRows ? new int[Math.Max(16, (int)Math.Min(text.GetRowCount() ?? 1024, int.MaxValue / 2))] : Array.Empty<int>();

        long total = 0, missingLabel = 0, missingAttribute = 0, skipped = 0, firstSkipped = -1;
        DataViewSchema.Column labelColumn = text.Schema[columns.LabelText];
        DataViewSchema.Column attributeColumn = text.Schema[columns.AttributeText];
        using (DataViewRowCursor cursor = text.GetRowCursor(new[] { labelColumn, attributeColumn }))
        {
            ValueGetter<ReadOnlyMemory<char>> getLabel = cursor.GetGetter<ReadOnlyMemory<char>>(labelColumn);
            ValueGetter<ReadOnlyMemory<char>> getAttribute = cursor.GetGetter<ReadOnlyMemory<char>>(attributeColumn);
            ReadOnlyMemory<char> label = default, attribute = default;
            while (cursor.MoveNext())
            {
                getLabel(ref label);
                getAttribute(ref attribute);
                ReadOnlySpan<char> l = label.Span;
                ReadOnlySpan<char> a = attribute.Span;
                int packed = -1;
                if (l.IsEmpty || a.IsEmpty)
                {
                    missingLabel += l.IsEmpty ? 1 : 0;
                    missingAttribute += a.IsEmpty ? 1 : 0;
                    if (skipped++ == 0)
                    {
                        firstSkipped = total;
                    }
                }
                else
                {
                    int li = IndexOf(labelLookup, labels, l);
                    int ai = IndexOf(attributeLookup, attributes, a);
                    packed = (li << 16) | ai;
                    pairCounts[packed] = pairCounts.GetValueOrDefault(packed) + 1;
                }

                if (collectRows)
                {
                    if (total == rows.Length)
                    {
                        if (rows.Length == Array.MaxLength)
                        {
                            throw new InvalidOperationException($"More than {Array.MaxLength} rows: too many rows to resample in memory.");
                        }

                        Array.Resize(ref rows, (int)Math.Min((long)rows.Length * 2, Array.MaxLength));
                    }

                    rows[total] = packed;
                }

                total++;
            }
        }

        // Sort the values and renumber: the order of first appearance must not leak into outputs.
        string[] labelValues = Sorted(labels.Keys);
        string[] attributeValues = Sorted(attributes.Keys);
        int[] labelRank = Rank(labels, labelValues);
        int[] attributeRank = Rank(attributes, attributeValues);
        var counts = new long[labelValues.Length * attributeValues.Length];
        foreach ((long packed, long count) in pairCounts)
        {
            counts[labelRank[packed >> 16] * attributeValues.Length + attributeRank[packed & 0xFFFF]] = count;
        }

        int[]? rowGroups = null;
        if (collectRows)
        {
            if (rows.Length != total)
            {
                Array.Resize(ref rows, (int)total);
            }

            for (int i = 0; i < rows.Length; i++)
            {
                int p = rows[i];
                rows[i] = p < 0 ? -1 : labelRank[p >> 16] * attributeValues.Length + attributeRank[p & 0xFFFF];
            }

            rowGroups = rows;
        }

        return new SubgroupScan
        {
            Labels = labelValues,
            Attributes = attributeValues,
            Counts = counts,
            TotalRows = total,
            MissingLabelRows = missingLabel,
            MissingAttributeRows = missingAttribute,
            SkippedRows = skipped,
            FirstSkippedRow = firstSkipped,
            RowGroups = rowGroups,
        };
    }

    private static int IndexOf(Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, Dictionary<string, int> values, ReadOnlySpan<char> value)
    {
        if (lookup.TryGetValue(value, out int index))
        {
            return index;
        }

        if (values.Count == ushort.MaxValue)
        {
            throw new InvalidOperationException($"More than {ushort.MaxValue} distinct values; a label or attribute column with that many values does not define subgroups.");
        }

        index = values.Count;
        lookup[value] = index;
        return index;
    }

    internal static string[] Sorted(IEnumerable<string> values)
    {
        string[] array = values.ToArray();
        Array.Sort(array, NaturalComparer.Instance);
        return array;
    }

    private static int[] Rank(Dictionary<string, int> firstSeen, string[] sorted)
    {
        var rank = new int[sorted.Length];
        for (int i = 0; i < sorted.Length; i++)
        {
            rank[firstSeen[sorted[i]]] = i;
        }

        return rank;
    }

    /// <summary>Integers in numeric order first, then everything else in ordinal order.</summary>
    private sealed class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            bool xn = long.TryParse(x, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long xv);
            bool yn = long.TryParse(y, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long yv);
            if (xn && yn)
            {
                return xv.CompareTo(yv);
            }

            if (xn != yn)
            {
                return xn ? -1 : 1;
            }

            return string.CompareOrdinal(x, y);
        }
    }
}
