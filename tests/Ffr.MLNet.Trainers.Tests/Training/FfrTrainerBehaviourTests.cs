using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using TorchSharp;

namespace Ffr.MLNet.Trainers.Tests.Training;

[Collection(BenchmarkDataCollection.Name)]
public sealed class FfrTrainerBehaviourTests
{
    private readonly BenchmarkData _data;

    public FfrTrainerBehaviourTests(BenchmarkData data) => _data = data;

    private static FfrTrainerOptions Quick(SyntheticStrategy strategy, TrainingMethod method, int epochs = 1) => BenchmarkData.Quick(strategy, method, epochs, seed: 7);

    [Fact]
    public void Workout_EstimatorAndTransformerSchemasAgree()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        FfrImageClassificationTrainer trainer = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(SyntheticStrategy.None, TrainingMethod.Erm));

        SchemaShape shape = trainer.GetOutputSchema(SchemaShapes.From(train.Schema));
        using FfrImageClassificationTransformer model = trainer.Fit(train);
        DataViewSchema schema = model.GetOutputSchema(train.Schema);
        string[] visible = schema.Where(c => !c.IsHidden).Select(c => c.Name).ToArray();
        Assert.Equal(shape.Select(c => c.Name), visible);
        Assert.Equal(train.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Concat(new[] { "Score", "PredictedLabel", "PredictedLabelKey" }), visible);
        Assert.IsType<TextDataViewType>(schema["PredictedLabel"].Type);
        Assert.IsType<KeyDataViewType>(schema["PredictedLabelKey"].Type);

        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, new FfrTrainerOptions { ImageColumnName = "Pixels" }).GetOutputSchema(SchemaShapes.From(train.Schema)));
        Assert.StartsWith("Could not find image column 'Pixels'", bad.Message);
    }

    [Theory]
    [InlineData(SyntheticStrategy.None, TrainingMethod.Resample)]
    [InlineData(SyntheticStrategy.Usb, TrainingMethod.GroupDro)]
    [InlineData(SyntheticStrategy.Asb, TrainingMethod.Erm)]
    [InlineData(SyntheticStrategy.Ffr, TrainingMethod.Dfr)]
    public void Fit_EveryStrategyAndMethod_ProducesValidationMetrics(SyntheticStrategy strategy, TrainingMethod method)
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(strategy, method)).Fit(train);

        PhaseSummary last = model.Summary.Phases[^1];
        Assert.InRange(last.Epochs[0].ValidationWorstGroupAccuracy, 0, 1);
        Assert.InRange(last.Epochs[0].ValidationBalancedAccuracy, 0, 1);
        Assert.Equal(method == TrainingMethod.Dfr, model.Summary.Dfr is not null);
        if (model.Summary.Dfr is DfrSummary dfr)
        {
            Assert.Contains(dfr.Regularization, new FfrTrainerOptions().DfrRegularization);
            Assert.Equal(6, dfr.RowsPerGroup);
        }
    }

    [Fact]
    public void Fit_SameSeed_IdenticalWeights()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        using FfrImageClassificationTransformer a = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(SyntheticStrategy.Asb, TrainingMethod.GroupDro)).Fit(train);
        using FfrImageClassificationTransformer b = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(SyntheticStrategy.Asb, TrainingMethod.GroupDro)).Fit(train);
        Assert.True(a.OnnxModel.Span.SequenceEqual(b.OnnxModel.Span), "two runs with the same seed gave different weights");
    }

    [Fact]
    public void Fit_CancelledThenResumed_EqualsAnUninterruptedRun()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        string straight = Path.Combine(_data.Folder, "ckpt-straight");
        string resumed = Path.Combine(_data.Folder, "ckpt-resumed");

        FfrTrainerOptions Options(string dir, CancellationToken token = default, IProgress<TrainingProgress>? progress = null)
        {
            FfrTrainerOptions o = Quick(SyntheticStrategy.Ffr, TrainingMethod.Erm, epochs: 2);
            o.CheckpointDirectory = dir;
            o.CancellationToken = token;
            o.Progress = progress;
            return o;
        }

        using FfrImageClassificationTransformer reference = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Options(straight)).Fit(train);

        // Cancel during the first epoch of phase 2: the checkpoint holds phase 1, complete.
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Phase == "fine-tuning" && p.Epoch == 1 && p.Step == 2)
            {
                cts.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, Options(resumed, cts.Token, progress)).Fit(train));
        Assert.True(File.Exists(Path.Combine(resumed, "ffr-checkpoint.bin")));

        using FfrImageClassificationTransformer continued = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Options(resumed)).Fit(train);
        Assert.True(reference.OnnxModel.Span.SequenceEqual(continued.OnnxModel.Span), "the resumed run ended with other weights");
        Assert.Equal(reference.Summary.Phases.Select(p => p.Epochs.Count), continued.Summary.Phases.Select(p => p.Epochs.Count));
    }

    [Fact]
    public void Fit_ChangedOptionsWithAnOldCheckpoint_RefusesToResume()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        string dir = Path.Combine(_data.Folder, "ckpt-changed");
        FfrTrainerOptions first = Quick(SyntheticStrategy.None, TrainingMethod.Erm);
        first.CheckpointDirectory = dir;
        ml.MulticlassClassification.Trainers.Ffr(pool, validation, first).Fit(train).Dispose();

        FfrTrainerOptions second = Quick(SyntheticStrategy.None, TrainingMethod.GroupDro);
        second.CheckpointDirectory = dir;
        var ex = Assert.Throws<CheckpointException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, second).Fit(train));
        Assert.Equal(CheckpointProblem.OtherOptions, ex.Problem);
        Assert.EndsWith("was made with other options or data, so training cannot resume from it. Delete it, or choose another checkpoint folder.", ex.Message);
    }

    [Fact]
    public void Fit_ReportsProgressAndWritesTheMLContextLog()
    {
        var ml = new MLContext(seed: 0);
        var log = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.Contains("FfrImageClassificationTrainer", StringComparison.Ordinal))
            {
                lock (log)
                {
                    log.Add(e.Message);
                }
            }
        };
        var (train, validation, _, pool, _) = _data.Views(ml);
        var reports = new List<TrainingProgress>();
        FfrTrainerOptions options = Quick(SyntheticStrategy.Ffr, TrainingMethod.Erm);
        options.Progress = new SynchronousProgress<TrainingProgress>(reports.Add);
        ml.MulticlassClassification.Trainers.Ffr(pool, validation, options).Fit(train).Dispose();

        Assert.Equal(new[] { "pretraining", "fine-tuning" }, reports.Where(r => r.IsEpochEnd).Select(r => r.Phase));
        Assert.All(reports.Where(r => !r.IsEpochEnd), r => Assert.InRange(r.Step, 1, r.Steps));
        Assert.Equal(TimeSpan.Zero, reports[^1].Remaining);
        Assert.Contains(log, m => m.Contains("pretraining epoch 1/1: loss", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_Dfr_ReportsItsLastLayerSearchRoundByRound()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, _, _) = _data.Views(ml);
        var reports = new List<TrainingProgress>();
        FfrTrainerOptions options = Quick(SyntheticStrategy.None, TrainingMethod.Dfr);
        options.DfrRegularization = new[] { 0.1, 1.0 };
        options.DfrSubsets = 3;
        options.Progress = new SynchronousProgress<TrainingProgress>(reports.Add);
        ml.MulticlassClassification.Trainers.Ffr(null, validation, options).Fit(train).Dispose();

        TrainingProgress[] dfr = reports.Where(r => r.Phase == "dfr").ToArray();
        Assert.Equal(new[] { "last layer, C = 0.1", "last layer, C = 1" }, dfr.Where(r => r.IsEpochEnd).Select(r => r.Detail)); // the held-out check of each strength
        Assert.All(dfr.Where(r => r.IsEpochEnd), r => Assert.InRange(r.ValidationWorstGroupAccuracy!.Value, 0, 1));
        Assert.Equal(Enumerable.Range(1, 10).Concat(Enumerable.Range(1, 10)), dfr.Where(r => !r.IsEpochEnd).Select(r => r.Step)); // tenths of the search, then of the final fit
        Assert.Equal("last layer, C in 0.1, 1", dfr[0].Detail);
        Assert.All(dfr, r => Assert.Equal(2, r.Epochs));
        Assert.StartsWith("final last layer, C = ", dfr[^1].Detail);
        Assert.Equal(TimeSpan.Zero, dfr[^1].Remaining);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("truncated")]
    [InlineData("random")]
    public void Fit_DamagedInitialWeights_NamesTheFile_BeforeAnyTraining(string damage)
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, _, _) = _data.Views(ml);
        string weights = Path.Combine(_data.Folder, $"weights-{damage}.bin");
        using (var network = Ffr.MLNet.Networks.ImageNetwork.Create(Ffr.MLNet.Networks.NetworkArchitecture.SmallCnn, 4))
        {
            network.Module.save(weights);
        }

        FileDamage.Apply(weights, damage);
        FfrTrainerOptions options = Quick(SyntheticStrategy.None, TrainingMethod.Erm);
        options.InitialWeightsPath = weights;
        var reports = new List<TrainingProgress>();
        options.Progress = new SynchronousProgress<TrainingProgress>(reports.Add);
        var ex = Assert.Throws<InvalidDataException>(() => ml.MulticlassClassification.Trainers.Ffr(null, validation, options).Fit(train));
        Assert.StartsWith($"Initial weights file '{weights}' is truncated or damaged, or is not a TorchSharp (Module.save) file (", ex.Message);
        Assert.Empty(reports);
    }

    /// <summary>
    /// Every tensor that training creates on the caller's thread is disposed by the time Fit returns
    /// and the model is disposed: none is left to the GC, whatever the epochs, strategy or method.
    /// Counted per thread (TorchSharp's dispose-scope statistics), so tests on other threads cannot
    /// move the count; torch.Tensor.TotalCount is process-wide, moves with finalizers, and keeps one
    /// count per constructed parameter after its module is disposed.
    /// </summary>
    [Fact]
    public void Fit_DisposesEveryTensorItCreates()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(SyntheticStrategy.None, TrainingMethod.Erm)).Fit(train).Dispose(); // loads the native kernels
        foreach ((SyntheticStrategy strategy, TrainingMethod method, int epochs) in new[]
        {
            (SyntheticStrategy.None, TrainingMethod.GroupDro, 1), (SyntheticStrategy.None, TrainingMethod.GroupDro, 3), (SyntheticStrategy.Ffr, TrainingMethod.Dfr, 1),
        })
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            ml.MulticlassClassification.Trainers.Ffr(pool, validation, Quick(strategy, method, epochs)).Fit(train).Dispose();
            long left = DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
            Assert.True(left == 0, $"{strategy}-{method}, {epochs} epochs: {left} tensors created and not disposed");
        }
    }

    [Fact]
    public void Fit_PixelVectorsFromExtractPixels_TrainAndScore()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, test, _, _) = _data.Views(ml);
        IEstimator<ITransformer> pixels = ml.Transforms.LoadImages("Image", null, "ImagePath")
            .Append(ml.Transforms.ResizeImages("Image", 32, 32))
            .Append(ml.Transforms.ExtractPixels("Pixels", "Image"));
        ITransformer extract = pixels.Fit(train);
        FfrTrainerOptions options = Quick(SyntheticStrategy.None, TrainingMethod.Erm);
        options.ImageColumnName = "Pixels";
        using FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(null, extract.Transform(validation), options).Fit(extract.Transform(train));

        IDataView scored = model.Transform(extract.Transform(test));
        MulticlassClassificationMetrics metrics = ml.MulticlassClassification.Evaluate(scored, predictedLabelColumnName: FfrImageClassificationTransformer.PredictedLabelKeyColumnName);
        Assert.InRange(metrics.MicroAccuracy, 0, 1);
        Assert.Equal(4, ((VectorDataViewType)scored.Schema["Score"].Type).Size);
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SynchronousProgress<T> : IProgress<T>
    {
        private readonly Action<T> _handler;

        public SynchronousProgress(Action<T> handler) => _handler = handler;

        public void Report(T value) => _handler(value);
    }
}
