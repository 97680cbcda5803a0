using System.Globalization;
using MathNet.Numerics.Statistics;

namespace Ffr.MLNet.Experiments;

/// <summary>The statistics of a strategy-method over its seeds, as every results table shows them.</summary>
public static class SeedStatistics
{
    /// <summary>"0.812 ± 0.034" (sample standard deviation; ± 0.000 for one seed).</summary>
    public static string Format(IEnumerable<double> values)
    {
        (double mean, double std) = Compute(values.ToArray());
        return string.Create(CultureInfo.InvariantCulture, $"{mean:0.000} ± {std:0.000}");
    }

    /// <summary>Mean and sample standard deviation over seeds; 0 for one seed.</summary>
    public static (double Mean, double Std) Compute(double[] values) => (values.Mean(), values.Length > 1 ? values.StandardDeviation() : 0);
}
