using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests;

/// <summary>A random label x attribute grid of subgroup counts built from FsCheck's raw values.</summary>
internal sealed class Grid
{
    public Grid(int[] raw, byte labels, byte attributes, int maxCount = 40, bool allowEmpty = true)
    {
        int l = 2 + labels % 3;
        int a = 1 + attributes % 3;
        raw ??= Array.Empty<int>();
        Counts = new Dictionary<(string, string), int>();
        for (int i = 0; i < l; i++)
        {
            for (int j = 0; j < a; j++)
            {
                int index = i * a + j;
                int value = raw.Length == 0 ? 1 : Math.Abs(raw[index % raw.Length] % (maxCount + 1));
                if (!allowEmpty || (i == 0 && j == 0))
                {
                    value = Math.Max(1, value); // at least one non-empty subgroup per grid (and every one when asked)
                }

                Counts[($"L{i}", $"A{j}")] = value;
            }
        }

        // Every class needs a row for the labels to exist in the data.
        for (int i = 0; i < l; i++)
        {
            if (Enumerable.Range(0, a).All(j => Counts[($"L{i}", $"A{j}")] == 0))
            {
                Counts[($"L{i}", "A0")] = 1;
            }
        }

        // Every attribute value too.
        for (int j = 0; j < a; j++)
        {
            if (Enumerable.Range(0, l).All(i => Counts[($"L{i}", $"A{j}")] == 0))
            {
                Counts[("L0", $"A{j}")] = 1;
            }
        }
    }

    public Dictionary<(string Label, string Attribute), int> Counts { get; }

    public int Rows => Counts.Values.Sum();

    public IDataView ToDataView(MLContext ml) => TestData.FromCounts(ml, Counts);
}
