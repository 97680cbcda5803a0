using Microsoft.ML;

namespace Ffr.MLNet;

/// <summary>
/// Draws a seed from an MLContext's random stream, the way ML.NET's own operations do when their
/// <c>seed</c> is null (MLContext keeps its seed internal). It asks ML.NET's public
/// <see cref="DataOperationsCatalog.ShuffleRows"/> for a permutation of 16 rows, which depends only on
/// the context's seed and on how many random draws the context has made, and folds it into an int.
/// So <c>new MLContext(seed: 1)</c> gives the same sequence of seeds every time.
/// </summary>
internal static class ContextSeed
{
    private static readonly Row[] Rows = Enumerable.Range(0, 16).Select(i => new Row { Index = i }).ToArray();

    /// <summary><paramref name="seed"/> when given, else the next seed of the context.</summary>
    public static int Resolve(DataOperationsCatalog data, int? seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (seed is int given)
        {
            return given;
        }

        IDataView rows = data.LoadFromEnumerable(Rows);
        IDataView shuffled = data.ShuffleRows(rows, seed: null, shufflePoolSize: Rows.Length, shuffleSource: false);
        unchecked
        {
            int hash = 17;
            foreach (Row row in data.CreateEnumerable<Row>(shuffled, reuseRowObject: true))
            {
                hash = hash * 31 + row.Index;
            }

            return hash;
        }
    }

    private sealed class Row
    {
        public int Index { get; set; }
    }
}
