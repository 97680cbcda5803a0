using Ffr.MLNet.Subgroups;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Ffr.MLNet.Samples;

/// <summary>
/// Tabular data with a spurious attribute: feature 0 carries the class weakly, feature 1 carries
/// the attribute cleanly, and in training the attribute agrees with the class 95% of the time.
/// Trains ML.NET's SDCA maximum-entropy trainer with and without subgroup weights, saves the
/// weighted pipeline, reloads it in a fresh MLContext, and compares worst-group accuracy on a
/// test set where every subgroup is equally large.
/// </summary>
public static class SubgroupWeightingSample
{
    /// <summary>Runs the sample, printing to <paramref name="output"/>.</summary>
    public static SampleResult Run(TextWriter output, string modelPath)
    {
        var mlContext = new MLContext(seed: 0);
        IDataView train = mlContext.Data.LoadFromEnumerable(Rows(perClass: 500, biasRate: 0.95, seed: 1));
        IDataView test = mlContext.Data.LoadFromEnumerable(Rows(perClass: 400, biasRate: 0.5, seed: 2));

        SubgroupReport report = mlContext.Data.AnalyzeSubgroups(train);
        output.WriteLine(report.ToTable());
        output.WriteLine();

        IEstimator<ITransformer> Pipeline(string? exampleWeightColumnName) =>
            mlContext.Transforms.Conversion.MapValueToKey("Label")
                .Append(mlContext.Transforms.AddSubgroupWeights(outputColumnName: "Weight"))
                .Append(mlContext.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
                {
                    ExampleWeightColumnName = exampleWeightColumnName,
                    NumberOfThreads = 1,
                    MaximumNumberOfIterations = 50,
                }));

        ITransformer unweighted = Pipeline(null).Fit(train);
        ITransformer weighted = Pipeline("Weight").Fit(train);
        mlContext.Model.SaveAtomically(weighted, train.Schema, modelPath); // Model.Save, written to a temporary file and renamed: a failure leaves the old file whole
        ITransformer reloaded = new MLContext().Model.Load(modelPath, out _);

        var result = new SampleResult(
            WorstGroupAccuracy(mlContext, unweighted, test),
            WorstGroupAccuracy(mlContext, weighted, test),
            WorstGroupAccuracy(mlContext, reloaded, test));
        output.WriteLine($"Worst-group accuracy, unweighted:          {result.Unweighted:0.000}");
        output.WriteLine($"Worst-group accuracy, subgroup weights:    {result.Weighted:0.000}");
        output.WriteLine($"Worst-group accuracy, reloaded from {Path.GetFileName(modelPath)}: {result.Reloaded:0.000}");
        return result;
    }

    /// <summary>Rows of two classes, <paramref name="biasRate"/> of each on its bias-aligned attribute.</summary>
    public static IEnumerable<Row> Rows(int perClass, double biasRate, int seed)
    {
        var random = new Random(seed);
        foreach (string label in new[] { "cat", "dog" })
        {
            for (int i = 0; i < perClass; i++)
            {
                bool aligned = i < perClass * biasRate;
                string attribute = (label == "cat") == aligned ? "indoor" : "outdoor";
                double core = (label == "cat" ? 1 : -1) + Gaussian(random);
                double spurious = (attribute == "indoor" ? 2 : -2) + Gaussian(random) * 0.1;
                yield return new Row { Label = label, Attribute = attribute, Features = new[] { (float)core, (float)spurious } };
            }
        }
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double WorstGroupAccuracy(MLContext mlContext, ITransformer model, IDataView test)
    {
        IDataView scored = model.Transform(test);
        scored = mlContext.Transforms.Conversion.MapKeyToValue("PredictedText", "PredictedLabel")
            .Append(mlContext.Transforms.Conversion.MapKeyToValue("LabelText", "Label"))
            .Fit(scored).Transform(scored);
        return mlContext.Data.CreateEnumerable<ScoredRow>(scored, reuseRowObject: false)
            .GroupBy(r => (r.LabelText, r.Attribute))
            .Min(g => g.Average(r => r.PredictedText == r.LabelText ? 1.0 : 0.0));
    }

    /// <summary>One input row.</summary>
    public sealed class Row
    {
        /// <summary>The class.</summary>
        public string Label { get; set; } = string.Empty;

        /// <summary>The spurious attribute.</summary>
        public string Attribute { get; set; } = string.Empty;

        /// <summary>Feature 0: the class, noisy; feature 1: the attribute, clean.</summary>
        [VectorType(2)]
        public float[] Features { get; set; } = new float[2];
    }

    private sealed class ScoredRow
    {
        public string LabelText { get; set; } = string.Empty;

        public string Attribute { get; set; } = string.Empty;

        public string PredictedText { get; set; } = string.Empty;
    }
}

/// <summary>Worst-group test accuracy of the three models.</summary>
public sealed record SampleResult(double Unweighted, double Weighted, double Reloaded);
