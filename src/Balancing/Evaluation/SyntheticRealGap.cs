using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Statistics;

namespace Ffr.MLNet.Evaluation;

/// <summary>The gap of one subgroup.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Attribute">The attribute value.</param>
/// <param name="RealCount">Real feature vectors of the subgroup.</param>
/// <param name="SyntheticCount">Synthetic feature vectors of the subgroup.</param>
/// <param name="FrechetDistance">Fréchet distance between the two; NaN when either side has fewer than 2 rows.</param>
public sealed record SubgroupGap(string Label, string Attribute, int RealCount, int SyntheticCount, double FrechetDistance);

/// <summary>
/// How far synthetic images are from real ones in a network's feature space, the measurement the
/// FFR paper calls missing. <see cref="FrechetDistance"/>: the Fréchet distance between Gaussians
/// fitted to the real and the synthetic penultimate features (as FID does for Inception features),
/// ||mu_r - mu_s||^2 + Tr(S_r + S_s - 2 (S_r^1/2 S_s S_r^1/2)^1/2); 0 means the same mean and
/// covariance, larger means further apart (in squared feature units, so compare values from the
/// same network only). <see cref="DomainAccuracy"/>: held-out accuracy of a logistic regression told
/// to separate real from synthetic features; 0.5 means it cannot (no usable gap), 1.0 means every
/// image gives itself away, which is the shortcut USB and ASB let a network learn.
/// </summary>
public sealed class SyntheticRealGap
{
    private SyntheticRealGap(double frechet, double domainAccuracy, IReadOnlyList<SubgroupGap> subgroups)
    {
        FrechetDistance = frechet;
        DomainAccuracy = domainAccuracy;
        Subgroups = subgroups;
    }

    /// <summary>Fréchet distance between all real and all synthetic features.</summary>
    public double FrechetDistance { get; }

    /// <summary>Held-out accuracy of a real-versus-synthetic classifier on the features (balanced classes).</summary>
    public double DomainAccuracy { get; }

    /// <summary>The distance per subgroup.</summary>
    public IReadOnlyList<SubgroupGap> Subgroups { get; }

    /// <summary>Measures the gap between feature vectors of real and synthetic images, overall and per subgroup.</summary>
    /// <param name="real">Real features with their subgroup.</param>
    /// <param name="synthetic">Synthetic features with their subgroup.</param>
    /// <param name="seed">Seed of the domain classifier's split.</param>
    public static SyntheticRealGap Measure(IReadOnlyList<(string Label, string Attribute, double[] Features)> real, IReadOnlyList<(string Label, string Attribute, double[] Features)> synthetic, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(synthetic);
        if (real.Count < 2 || synthetic.Count < 2)
        {
            throw new ArgumentException($"The gap needs at least 2 real and 2 synthetic feature vectors; got {real.Count} and {synthetic.Count}.");
        }

        int dimension = real[0].Features.Length;
        if (real.Concat(synthetic).Any(r => r.Features.Length != dimension))
        {
            throw new ArgumentException("Every feature vector must have the same length.");
        }

        double overall = Frechet(real.Select(r => r.Features).ToArray(), synthetic.Select(s => s.Features).ToArray());
        var subgroups = real.Select(r => (r.Label, r.Attribute)).Concat(synthetic.Select(s => (s.Label, s.Attribute))).Distinct()
            .OrderBy(k => k.Label, StringComparer.Ordinal).ThenBy(k => k.Attribute, StringComparer.Ordinal)
            .Select(k =>
            {
                double[][] r = real.Where(x => x.Label == k.Label && x.Attribute == k.Attribute).Select(x => x.Features).ToArray();
                double[][] s = synthetic.Where(x => x.Label == k.Label && x.Attribute == k.Attribute).Select(x => x.Features).ToArray();
                return new SubgroupGap(k.Label, k.Attribute, r.Length, s.Length, r.Length < 2 || s.Length < 2 ? double.NaN : Frechet(r, s));
            })
            .ToArray();
        double domain = DomainClassifierAccuracy(real.Select(r => r.Features).ToArray(), synthetic.Select(s => s.Features).ToArray(), seed);
        return new SyntheticRealGap(overall, domain, subgroups);
    }

    /// <summary>The Fréchet distance between Gaussians fitted to two sets of vectors.</summary>
    public static double Frechet(double[][] a, double[][] b)
    {
        (Vector<double> muA, Matrix<double> covA) = Moments(a);
        (Vector<double> muB, Matrix<double> covB) = Moments(b);
        Matrix<double> rootA = SqrtSymmetric(covA);
        Matrix<double> middle = rootA * covB * rootA;
        middle = (middle + middle.Transpose()) / 2;
        double traceRoot = middle.Evd(Symmetricity.Symmetric).EigenValues.Sum(e => Math.Sqrt(Math.Max(0, e.Real)));
        double distance = (muA - muB).DotProduct(muA - muB) + covA.Trace() + covB.Trace() - 2 * traceRoot;
        return Math.Max(0, distance);
    }

    private static (Vector<double> Mean, Matrix<double> Covariance) Moments(double[][] rows)
    {
        Matrix<double> x = Matrix<double>.Build.DenseOfRowArrays(rows);
        Vector<double> mean = Vector<double>.Build.DenseOfEnumerable(Enumerable.Range(0, x.ColumnCount).Select(c => x.Column(c).Mean()));
        Matrix<double> centred = x - Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount, (_, c) => mean[c]);
        return (mean, centred.TransposeThisAndMultiply(centred) / Math.Max(1, rows.Length - 1));
    }

    private static Matrix<double> SqrtSymmetric(Matrix<double> m)
    {
        var evd = m.Evd(Symmetricity.Symmetric);
        Vector<double> roots = Vector<double>.Build.DenseOfEnumerable(evd.EigenValues.Select(e => Math.Sqrt(Math.Max(0, e.Real))));
        return evd.EigenVectors * Matrix<double>.Build.DenseOfDiagonalVector(roots) * evd.EigenVectors.Transpose();
    }

    /// <summary>
    /// Logistic regression (L2, standardised features, full-batch gradient descent) trained on a
    /// seeded half of a balanced real/synthetic sample and scored on the other half.
    /// </summary>
    private static double DomainClassifierAccuracy(double[][] real, double[][] synthetic, int seed)
    {
        var random = new Random(seed);
        int n = Math.Min(real.Length, synthetic.Length);
        double[][] r = real.OrderBy(_ => random.Next()).Take(n).ToArray();
        double[][] s = synthetic.OrderBy(_ => random.Next()).Take(n).ToArray();
        int half = Math.Max(1, n / 2);
        var train = r.Take(half).Select(x => (x, 0.0)).Concat(s.Take(half).Select(x => (x, 1.0))).ToArray();
        var test = r.Skip(half).Select(x => (x, 0.0)).Concat(s.Skip(half).Select(x => (x, 1.0))).ToArray();
        if (test.Length == 0)
        {
            return double.NaN;
        }

        int d = real[0].Length;
        double[] mean = Enumerable.Range(0, d).Select(j => train.Average(t => t.x[j])).ToArray();
        double[] std = Enumerable.Range(0, d).Select(j => Math.Sqrt(train.Average(t => (t.x[j] - mean[j]) * (t.x[j] - mean[j]))) + 1e-9).ToArray();
        double[] Z(double[] x) => x.Select((v, j) => (v - mean[j]) / std[j]).ToArray();
        var trainZ = train.Select(t => (Z(t.x), t.Item2)).ToArray();
        var w = new double[d];
        double b = 0, rate = 0.1, l2 = 1e-3;
        for (int iteration = 0; iteration < 300; iteration++)
        {
            var gradient = new double[d];
            double gradientB = 0;
            foreach ((double[] x, double y) in trainZ)
            {
                double p = 1 / (1 + Math.Exp(-(Dot(w, x) + b)));
                for (int j = 0; j < d; j++)
                {
                    gradient[j] += (p - y) * x[j];
                }

                gradientB += p - y;
            }

            for (int j = 0; j < d; j++)
            {
                w[j] -= rate * (gradient[j] / trainZ.Length + l2 * w[j]);
            }

            b -= rate * gradientB / trainZ.Length;
        }

        return test.Average(t => (Dot(w, Z(t.x)) + b > 0 ? 1.0 : 0.0) == t.Item2 ? 1.0 : 0.0);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
