using Microsoft.ML;

namespace Ffr.MLNet;

/// <summary>
/// The project's seeds. Trainers and evaluations follow one rule, <see cref="OrDefault"/>: the seed
/// given in the options, else the MLContext's seed, else the fixed <see cref="Default"/>, so that a fit or
/// an evaluation with no seed anywhere is still reproducible and the seed it used can be recorded.
/// Row operations (resampling) follow ML.NET's <c>BootstrapSample</c> instead, <see cref="Resolve"/>:
/// each call without a seed draws the next seed of the context's random stream.
/// </summary>
internal static class ContextSeed
{
    /// <summary>The seed when neither the options nor the MLContext give one: 0, as ML.NET's samples seed their contexts.</summary>
    public const int Default = 0;
    private static readonly Row[] Rows = Enumerable.Range(0, 16).Select(i => new Row { Index = i }).ToArray();

    /// <summary><paramref name="seed"/> when given, else <paramref name="contextSeed"/> (the MLContext's), else <see cref="Default"/>.</summary>
    public static int OrDefault(int? seed, int? contextSeed) => seed ?? contextSeed ?? Default;

    /// <summary>
    /// <paramref name="seed"/> when given, else the next seed of the context: ML.NET's public
    /// <see cref="DataOperationsCatalog.ShuffleRows"/> gives a permutation of 16 rows, which depends only on the
    /// context's seed and on how many random draws the context has made, folded into an int (MLContext keeps its
    /// seed and stream internal). So <c>new MLContext(seed: 1)</c> gives the same sequence of seeds every time.
    /// </summary>
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
