using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Benchmarks.Balancing;

/// <summary>
/// Subgroup report, synthetic budget plan, inverse-frequency weights and group-balanced resampling
/// on 1M and 10M rows. Each operation reads every row; memory must stay bounded (index arrays only).
/// </summary>
[MemoryDiagnoser]
[InProcessJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 3)]
public class SubgroupBalancingBenchmarks
{
    private MLContext _ml = null!;
    private IDataView _data = null!;
    private SubgroupReport _report = null!;

    [ParamsSource(nameof(RowCounts))]
    public int Rows { get; set; }

    /// <summary>1M and 10M rows; 10,000 in a smoke run.</summary>
    public static IEnumerable<int> RowCounts => Smoke.Pick(new[] { 1_000_000, 10_000_000 }, new[] { 10_000 });

    [GlobalSetup]
    public void Setup()
    {
        _ml = new MLContext(seed: 0);
        _data = new SubgroupRowsDataView(Rows);
        _report = _ml.Data.AnalyzeSubgroups(_data);
    }

    [Benchmark]
    public long Report() => _ml.Data.AnalyzeSubgroups(_data).RowsKept;

    [Benchmark]
    public long Plan() => SyntheticBudgetPlan.Create(_report, SyntheticStrategy.Ffr).TotalPlanned;

    /// <summary>Fit (one counting pass) and a pass over the weight column.</summary>
    [Benchmark]
    public double Weights()
    {
        IDataView weighted = _ml.Data.AddSubgroupWeights(_data);
        DataViewSchema.Column column = weighted.Schema["Weight"];
        using DataViewRowCursor cursor = weighted.GetRowCursor(new[] { column });
        ValueGetter<float> getter = cursor.GetGetter<float>(column);
        double sum = 0;
        float value = 0;
        while (cursor.MoveNext())
        {
            getter(ref value);
            sum += value;
        }

        return sum;
    }

    /// <summary>Up-sampling (one pass to index the rows) and a pass over the result.</summary>
    [Benchmark]
    public long Resample()
    {
        IDataView balanced = _ml.Data.ResampleSubgroups(_data, seed: 1);
        DataViewSchema.Column column = balanced.Schema["Feature"];
        using DataViewRowCursor cursor = balanced.GetRowCursor(new[] { column });
        long rows = 0;
        while (cursor.MoveNext())
        {
            rows++;
        }

        return rows;
    }
}
