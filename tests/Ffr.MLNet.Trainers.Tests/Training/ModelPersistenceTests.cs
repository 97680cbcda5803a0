using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Trainers.Tests.Training;

[Collection(BenchmarkDataCollection.Name)]
public sealed class ModelPersistenceTests
{
    private readonly BenchmarkData _data;

    public ModelPersistenceTests(BenchmarkData data) => _data = data;

    private sealed class Prediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();

        public string PredictedLabel { get; set; } = string.Empty;
    }

    /// <summary>Trains with a checkpoint folder, saves the zip elsewhere, then deletes the checkpoint folder.</summary>
    private (string ModelPath, float[][] Scores, string[] Predicted, byte[] Onnx) TrainAndSave(string name)
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, test, _, _) = _data.Views(ml);
        string work = Path.Combine(_data.Folder, name + "-work");
        var options = new FfrTrainerOptions
        {
            Strategy = SyntheticStrategy.None, Seed = 5, CheckpointDirectory = work,
            Training = new PhaseOptions { Epochs = 1 },
        };
        string modelPath = Path.Combine(_data.Folder, name + ".zip");
        float[][] scores;
        string[] predicted;
        byte[] onnx;
        using (FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(null, validation, options).Fit(train))
        {
            ml.Model.Save(model, train.Schema, modelPath);
            IDataView scored = model.Transform(test);
            List<Prediction> rows = ml.Data.CreateEnumerable<Prediction>(scored, reuseRowObject: false).ToList();
            scores = rows.Select(r => r.Score).ToArray();
            predicted = rows.Select(r => r.PredictedLabel).ToArray();
            onnx = model.OnnxModel.ToArray();
        }

        Directory.Delete(work, recursive: true);
        return (modelPath, scores, predicted, onnx);
    }

    [Fact]
    public void FittedModel_KeepsItsOnnxCopyOnlyUntilDisposed_LoadedModelInATemporaryFolder()
    {
        using TemporaryFolder temp = TemporaryFolder.Create();
        var ml = new MLContext(seed: 0) { TempFilePath = temp.Path };
        var (train, validation, _, _, _) = _data.Views(ml);
        string modelPath = Path.Combine(_data.Folder, "temp-files.zip");
        var trainer = ml.MulticlassClassification.Trainers.Ffr(null, validation, BenchmarkData.Quick(SyntheticStrategy.None));
        trainer.GetOutputSchema(SchemaShapes.From(train.Schema));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path)); // the shape is composed around a placeholder network, deleted at once
        using (FfrImageClassificationTransformer model = trainer.Fit(train))
        {
            string own = Assert.Single(Directory.GetDirectories(temp.Path)); // the model's own folder, inside the context's TempFilePath
            Assert.Single(Directory.GetFiles(own)); // OnnxTransformer's copy of the network
            ml.Model.SaveAtomically(model, train.Schema, modelPath);
        }

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));

        // A loaded model: ML.NET 5 leaves OnnxTransformer's copy after Dispose, so it goes into a TemporaryFolder.
        string loadedFiles;
        using (TemporaryFolder forLoading = TemporaryFolder.Create(temp.Path))
        {
            ITransformer loaded = new MLContext { TempFilePath = forLoading.Path }.Model.LoadChecked(modelPath, out _);
            Assert.Single(Directory.GetFiles(forLoading.Path));
            ((IDisposable)loaded).Dispose();
            loadedFiles = forLoading.Path;
        }

        Assert.False(Directory.Exists(loadedFiles));
    }

    [Fact]
    public void SavedModel_LoadsInAFreshContext_AfterTrainingArtefactsAreGone_WithIdenticalPredictions()
    {
        (string modelPath, float[][] scores, _, byte[] onnx) = TrainAndSave("fresh");
        var fresh = new MLContext();
        ITransformer loaded = fresh.Model.Load(modelPath, out DataViewSchema inputSchema);
        IDataView test = ImageManifest.Load(_data.ManifestPath, new ManifestLoadOptions { VerifyImages = false }).ToDataView(DataSplit.Test);
        IDataView keyed = fresh.Transforms.Conversion.MapValueToKey("Label").Fit(test).Transform(test);
        float[][] again = fresh.Data.CreateEnumerable<Prediction>(loaded.Transform(keyed), reuseRowObject: false).Select(r => r.Score).ToArray();

        Assert.Equal(scores.SelectMany(s => s), again.SelectMany(s => s));
        Assert.Equal(onnx, ModelFile.ExtractOnnx(modelPath));
        Assert.Contains(inputSchema, c => c.Name == "ImagePath");
    }

    [Fact]
    public void SavedModel_ModelBuilderStyleConsumer_InAChildProcess_GivesTheSamePredictions()
    {
        (string modelPath, float[][] scores, string[] predicted, _) = TrainAndSave("child");
        string[] images = _data.Manifest.Select(DataSplit.Test).Take(12).Select(r => r.ImagePath).ToArray();

        // From the file path (ModelInput), and from the image decoded in memory (MLImage): same labels, same scores.
        foreach (string[] mode in new[] { Array.Empty<string>(), new[] { "--in-memory" } })
        {
            (int exitCode, string output, string error) = ChildProcess.Run("Ffr.MLNet.Samples.ModelConsumption.dll", mode.Append(modelPath).Concat(images));
            Assert.True(exitCode == 0, error);

            string[][] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToArray();
            Assert.Equal(images.Length, lines.Length);
            for (int i = 0; i < images.Length; i++)
            {
                Assert.Equal(images[i], lines[i][0]);
                Assert.Equal(predicted[i], lines[i][1]);
                float[] childScores = lines[i].Skip(2).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(scores[i], childScores);
            }
        }
    }
}
