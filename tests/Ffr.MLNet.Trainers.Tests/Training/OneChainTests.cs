using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>
/// FFR inside one EstimatorChain: LoadImageManifest -> MapValueToKey -> the user's pixel transforms -> Ffr, fitted once on
/// the manifest's rows (real training rows, the synthetic pool, validation and test rows), saved, and loaded in a fresh process.
/// </summary>
[Collection(BenchmarkDataCollection.Name)]
public sealed class OneChainTests
{
    private readonly BenchmarkData _data;

    public OneChainTests(BenchmarkData data) => _data = data;

    private sealed class Scored
    {
        public string Split { get; set; } = string.Empty;

        public string PredictedLabel { get; set; } = string.Empty;
    }

    /// <summary>The user's chain: images decoded, resized, turned into planar pixels, then inverted (255 - x) before the trainer.</summary>
    private static IEstimator<ITransformer> UserTransforms(MLContext ml) =>
        ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", 32, 32))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image", interleavePixelColors: false))
            .Append(ml.Transforms.Expression("Pixels", "x : 255 - x", "Pixels"));

    private static FfrTrainerOptions Options() => new()
    {
        ImageColumnName = "Pixels", Strategy = SyntheticStrategy.Ffr, Seed = 3,
        Pretraining = new PhaseOptions { Epochs = 1 }, FineTuning = new PhaseOptions { Epochs = 1 },
    };

    /// <summary>The same options on an image-path column, for the bad-input tests that stop before any training.</summary>
    private static FfrTrainerOptions PathOptions()
    {
        FfrTrainerOptions options = Options();
        options.ImageColumnName = "ImagePath";
        return options;
    }

    [Fact]
    public void OneChain_FittedOnce_EveryRowSeesTheUserTransforms_SavedAndLoadedInAFreshProcess()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Data.LoadImageManifest(_data.ManifestPath, options: new ManifestLoadOptions { VerifyImages = false });
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(UserTransforms(ml))
            .Append(ml.MulticlassClassification.Trainers.Ffr(Options()));

        using TransformerChain<FfrImageClassificationTransformer> model = pipeline.Fit(data);
        TrainingSummary summary = model.LastTransformer.Summary;

        // The pool and the validation rows came from the same view: FFR pretrained on synthetic rows and selected on val rows.
        Assert.True(summary.SyntheticImages > 0);
        Assert.Equal(_data.Manifest.Select(DataSplit.Train, SampleSource.Real).Count, summary.Phases[1].Rows);

        // The validation accuracy the trainer measured is the one of the fitted chain on the val rows: the trainer saw them
        // inverted, as the chain scores them. Without the inversion on the validation rows the two would differ.
        IDataView val = ml.Data.FilterByCustomPredicate<SplitRow>(data, r => r.Split != "val");
        IDataView scoredVal = model.Transform(val);
        var metrics = ml.MulticlassClassification.Evaluate(scoredVal, predictedLabelColumnName: FfrImageClassificationTransformer.PredictedLabelKeyColumnName);
        PhaseSummary fineTuning = summary.Phases[^1];
        Assert.Equal(fineTuning.Epochs[fineTuning.BestEpoch - 1].ValidationAccuracy, metrics.MicroAccuracy, 6);

        // Test rows: ignored by Fit, scored by the chain; PredictedLabel is the label's text, as a Model Builder model's.
        List<Scored> test = ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.FilterByCustomPredicate<SplitRow>(data, r => r.Split != "test")), reuseRowObject: false).ToList();
        Assert.All(test, r => Assert.Contains(r.PredictedLabel, summary.Labels));

        // Saved whole and loaded in a fresh process: the Model Builder-style consumer predicts the same labels.
        string modelPath = Path.Combine(_data.Folder, "one-chain.zip");
        ml.Model.Save(model, data.Schema, modelPath);
        string[] images = _data.Manifest.Select(DataSplit.Test).Take(4).Select(r => r.ImagePath).ToArray();
        (int exitCode, string output, string error) = ChildProcess.Run("Ffr.MLNet.Samples.ModelConsumption.dll", images.Prepend(modelPath));
        Assert.True(exitCode == 0, error);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(images.Length, lines.Length);
        List<Scored> inProcess = ml.Data.CreateEnumerable<Scored>(model.Transform(ml.Data.LoadImageManifest(_data.ManifestPath, DataSplit.Test, options: new ManifestLoadOptions { VerifyImages = false })), reuseRowObject: false).Take(4).ToList();
        for (int i = 0; i < images.Length; i++)
        {
            string[] cells = lines[i].Split('\t');
            Assert.Equal(images[i], cells[0]);
            Assert.Equal(inProcess[i].PredictedLabel, cells[1]);
        }
    }

    [Fact]
    public void OneChain_NoSplitColumn_NamesBothWays()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Transforms.DropColumns("Split").Fit(ml.Data.LoadImageManifest(_data.ManifestPath, options: new ManifestLoadOptions { VerifyImages = false }))
            .Transform(ml.Data.LoadImageManifest(_data.ManifestPath, options: new ManifestLoadOptions { VerifyImages = false }));
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.MulticlassClassification.Trainers.Ffr());
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.Fit(data));
        Assert.Contains("has no column 'Split', and the trainer was given no validation data", ex.Message);
        Assert.Contains("FfrTrainerOptions.SplitColumnName", ex.Message);
        Assert.Contains("Trainers.Ffr(syntheticPool, validationData, ...)", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => pipeline.GetOutputSchema(SchemaShapes.From(data.Schema)));
    }

    [Fact]
    public void OneChain_UnknownSplitValue_NamesTheRowAndTheValues()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = Rows(ml, ("train", "real"), ("validation", "real"));
        var ex = Assert.Throws<InvalidDataException>(() => ml.MulticlassClassification.Trainers.Ffr(PathOptions()).Fit(data));
        Assert.Equal("Row 1 of the training data has Split 'validation'; use train, val or test.", ex.Message);
    }

    [Fact]
    public void OneChain_SyntheticRowOutsideTrain_IsRefused()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = Rows(ml, ("train", "real"), ("val", "synthetic"));
        var ex = Assert.Throws<InvalidDataException>(() => ml.MulticlassClassification.Trainers.Ffr(PathOptions()).Fit(data));
        Assert.Equal("Row 1 of the training data is synthetic with Split 'val'; synthetic images are training images only (the pool): set their Split to train.", ex.Message);
    }

    [Fact]
    public void OneChain_SplitColumnNamedInOptions_IsRead()
    {
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Transforms.CopyColumns("Part", "Split").Fit(Rows(ml, ("train", "real"), ("bogus", "real"))).Transform(Rows(ml, ("train", "real"), ("bogus", "real")));
        FfrTrainerOptions options = PathOptions();
        options.SplitColumnName = "Part";
        var ex = Assert.Throws<InvalidDataException>(() => ml.MulticlassClassification.Trainers.Ffr(options).Fit(data));
        Assert.Equal("Row 1 of the training data has Part 'bogus'; use train, val or test.", ex.Message);
    }

    [Fact]
    public void Catalog_PoolWithoutValidation_IsRefused()
    {
        var ml = new MLContext(seed: 0);
        IDataView pool = Rows(ml, ("train", "synthetic"));
        Assert.Throws<ArgumentNullException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, null!, Options()));
    }

    private sealed class SplitRow
    {
        public string Split { get; set; } = string.Empty;
    }

    private sealed class Row
    {
        public string ImagePath { get; set; } = string.Empty;

        public string Label { get; set; } = string.Empty;

        public string Attribute { get; set; } = string.Empty;

        public string Source { get; set; } = string.Empty;

        public string Split { get; set; } = string.Empty;
    }

    /// <summary>Rows of real images of the benchmark data, two classes, with the given splits and sources, Label as a key.</summary>
    private IDataView Rows(MLContext ml, params (string Split, string Source)[] rows)
    {
        ImageRow[] images = _data.Manifest.Select(DataSplit.Train, SampleSource.Real).ToArray();
        string[] labels = images.Select(r => r.Label).Distinct().Take(2).ToArray();
        IDataView view = ml.Data.LoadFromEnumerable(rows.Select((r, i) => new Row
        {
            ImagePath = images[i].ImagePath, Label = labels[i % 2], Attribute = images[i].Attribute, Source = r.Source, Split = r.Split,
        }).ToList());
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
    }
}
