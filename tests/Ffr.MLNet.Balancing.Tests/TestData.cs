using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests;

public sealed class TextRow
{
    public string Label { get; set; } = string.Empty;
    public string Attribute { get; set; } = string.Empty;
    public float Feature { get; set; }
}

public sealed class TypedRow
{
    public int Number { get; set; }
    public bool Flag { get; set; }
    public byte Small { get; set; }
    public float Real { get; set; }
    [Microsoft.ML.Data.VectorType(2)]
    public float[] Vector { get; set; } = new float[2];
}

internal static class TestData
{
    /// <summary>Rows for a table of counts: counts[(label, attribute)] rows of that subgroup, in a shuffled order.</summary>
    public static IDataView FromCounts(MLContext ml, IReadOnlyDictionary<(string Label, string Attribute), int> counts, int seed = 1)
    {
        var rows = new List<TextRow>();
        foreach (((string label, string attribute), int count) in counts)
        {
            for (int i = 0; i < count; i++)
            {
                rows.Add(new TextRow { Label = label, Attribute = attribute, Feature = rows.Count });
            }
        }

        var random = new Random(seed);
        return ml.Data.LoadFromEnumerable(rows.OrderBy(_ => random.Next()).ToList());
    }

    /// <summary>Two classes on two backgrounds at bias rate 0.9: (a,x)=90 (a,y)=10 (b,x)=5 (b,y)=45.</summary>
    public static IDataView Biased(MLContext ml) => FromCounts(ml, new Dictionary<(string, string), int>
    {
        [("a", "x")] = 90,
        [("a", "y")] = 10,
        [("b", "x")] = 5,
        [("b", "y")] = 45,
    });

    public static Dictionary<string, int> CountBy(MLContext ml, IDataView data) =>
        ml.Data.CreateEnumerable<TextRow>(data, reuseRowObject: false)
            .GroupBy(r => r.Label + "|" + r.Attribute)
            .ToDictionary(g => g.Key, g => g.Count());
}
