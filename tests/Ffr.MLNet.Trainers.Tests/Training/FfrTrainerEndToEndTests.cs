using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Trainers.Tests.Training;

[Collection(BenchmarkDataCollection.Name)]
public sealed class FfrTrainerEndToEndTests
{
    private readonly BenchmarkData _data;

    public FfrTrainerEndToEndTests(BenchmarkData data) => _data = data;

    private static FfrTrainerOptions Quick(SyntheticStrategy strategy, TrainingMethod method) => BenchmarkData.Quick(strategy, method);

    [Fact]
    public void Fit_FfrErm_TrainsTwoPhases_ScoresEvaluatesAndReloads()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, test, pool, _) = _data.Views(ml);
        using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(SyntheticStrategy.Ffr, TrainingMethod.Erm)).Fit(train);

        Assert.Equal(new[] { "pretraining", "fine-tuning" }, model.Summary.Phases.Select(p => p.Name));
        Assert.All(model.Summary.Phases, p => Assert.Single(p.Epochs));
        Assert.Equal(new[] { "tshirt", "trouser", "sneaker", "bag" }, model.Labels);
        Assert.True(model.Summary.SyntheticImages > 0);

        IDataView scored = model.Transform(test);
        Assert.Equal(4, ((VectorDataViewType)scored.Schema["Score"].Type).Size);
        // Model Builder's convention: PredictedLabel is the label's text; the key, for Evaluate, is PredictedLabelKey.
        Assert.IsType<TextDataViewType>(scored.Schema["PredictedLabel"].Type);
        Assert.IsType<KeyDataViewType>(scored.Schema["PredictedLabelKey"].Type);
        Assert.Equal(
            scored.GetColumn<uint>("PredictedLabelKey").Select(k => model.Labels[(int)k - 1]),
            scored.GetColumn<ReadOnlyMemory<char>>("PredictedLabel").Select(t => t.ToString()));
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored, predictedLabelColumnName: "PredictedLabelKey");
        MulticlassClassificationMetrics byScore = ml.MulticlassClassification.Evaluate(scored); // ML.NET's evaluator reads the scores
        Assert.Equal(metrics.MicroAccuracy, byScore.MicroAccuracy, 9);
        Assert.Equal(metrics.LogLoss, byScore.LogLoss, 9);
        Assert.Equal(metrics.MicroAccuracy, ml.MulticlassClassification.EvaluateSubgroups(scored).Accuracy, 6);
        Assert.Equal(4, metrics.ConfusionMatrix.NumberOfClasses);
        Assert.InRange(metrics.MacroAccuracy, 0.0, 1.0);

        string path = Path.Combine(_data.Folder, "ffr-model.zip");
        ml.Model.Save(model, test.Schema, path);
        ITransformer loaded = new MLContext().Model.Load(path, out _);
        Assert.Equal(scored.GetColumn<uint>("PredictedLabelKey"), loaded.Transform(test).GetColumn<uint>("PredictedLabelKey"));
        Assert.Equal(scored.GetColumn<string>("PredictedLabel"), loaded.Transform(test).GetColumn<string>("PredictedLabel"));
        Assert.Equal(scored.GetColumn<float[]>("Score").SelectMany(s => s), loaded.Transform(test).GetColumn<float[]>("Score").SelectMany(s => s));
    }
}
