using System.Globalization;
using Ffr.MLNet.Batching;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>
/// Photos of other sizes than the network's (48x40 and 300x200, PNG and JPEG, stretched to 32x32):
/// the saved zip, loaded in a fresh MLContext and in a fresh process, scores them as the trainer's own
/// network does on the batcher's pixels (training, validation and evaluation read images that way).
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class ResolutionTrueScoringTests : IDisposable
{
    private const float Tolerance = 1e-4f;
    private readonly TemporaryFolder _folder = TemporaryFolder.Create();

    public void Dispose() => _folder.Dispose();

    private sealed class Prediction
    {
        public float[] Score { get; set; } = Array.Empty<float>();
    }

    /// <summary>2 labels x 2 attributes; per subgroup 4 train, 2 val and 2 test images, sizes and formats alternating.</summary>
    private string WritePhotos()
    {
        var lines = new List<string> { "ImagePath,Label,Attribute,Source,Split" };
        int n = 0;
        foreach (string label in new[] { "bird", "boat" })
        {
            foreach (string attribute in new[] { "land", "water" })
            {
                foreach ((string split, int count) in new[] { ("train", 4), ("val", 2), ("test", 2) })
                {
                    for (int i = 0; i < count; i++, n++)
                    {
                        (int width, int height) = n % 2 == 0 ? (300, 200) : (48, 40);
                        string name = $"{label}-{attribute}-{split}-{i}.{(n % 4 < 2 ? "jpg" : "png")}";
                        var tint = label == "bird" ? (40, -20, 0) : (-20, 0, 40);
                        PhotoLikeImages.Write(Path.Combine(_folder.Path, name), PhotoLikeImages.Make(width, height, seed: n, tint));
                        lines.Add($"{name},{label},{attribute},real,{split}");
                    }
                }
            }
        }

        string manifest = Path.Combine(_folder.Path, "manifest.csv");
        AtomicFile.WriteText(manifest, string.Join('\n', lines) + "\n");
        return manifest;
    }

    /// <summary>The trained network's probabilities for <paramref name="rows"/>, on the batcher's pixels.</summary>
    private static float[][] NetworkScores(FfrImageClassificationTransformer model, IReadOnlyList<ImageRow> rows)
    {
        var batcher = new ImageBatcher(rows, new ImageBatcherOptions
        {
            ImageSize = model.ImageSize, Mean = model.Mean.ToArray(), Std = model.Std.ToArray(), Shuffle = false, PrefetchBatches = 0,
        });
        var scores = new float[rows.Count][];
        model.Network.Eval();
        using (no_grad())
        {
            foreach (ImageBatch batch in batcher.ReadEpoch(0))
            {
                using (batch)
                using (NewDisposeScope())
                {
                    float[] p = nn.functional.softmax(model.Network.Forward(BatchTensor.From(batch)), 1).cpu().data<float>().ToArray();
                    int classes = p.Length / batch.Count;
                    for (int i = 0; i < batch.Count; i++)
                    {
                        scores[batch.RowIndices[i]] = p.AsSpan(i * classes, classes).ToArray();
                    }
                }
            }
        }

        return scores;
    }

    private static void AssertClose(float[][] expected, float[][] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).Max();
        Assert.True(worst <= Tolerance, $"{what}: largest difference {worst} > {Tolerance}");
    }

    [Fact]
    public void SavedZip_InAFreshContextAndProcess_ScoresPhotosOfOtherSizesAsTheTrainersNetwork()
    {
        string manifestPath = WritePhotos();
        ImageManifest manifest = ImageManifest.Load(manifestPath);
        var ml = new MLContext(seed: 0);
        IDataView trainRows = manifest.ToDataView(DataSplit.Train, SampleSource.Real);
        ITransformer key = ml.Transforms.Conversion.MapValueToKey("Label").Fit(trainRows);
        IDataView train = key.Transform(trainRows);
        IDataView test = key.Transform(manifest.ToDataView(DataSplit.Test));
        var options = new FfrTrainerOptions
        {
            Strategy = SyntheticStrategy.None, ImageSize = 32, Seed = 3, Training = new PhaseOptions { Epochs = 1, BatchSize = 8 },
        };
        IReadOnlyList<ImageRow> testRows = manifest.Select(DataSplit.Test);
        string modelPath = Path.Combine(_folder.Path, "model.zip");
        float[][] network, transformed;
        string[] labels;
        using (FfrImageClassificationTransformer model = ml.MulticlassClassification.Trainers.Ffr(null, key.Transform(manifest.ToDataView(DataSplit.Val)), options).Fit(train))
        {
            ml.Model.SaveAtomically(model, train.Schema, modelPath);
            network = NetworkScores(model, testRows);
            transformed = ml.Data.CreateEnumerable<Prediction>(model.Transform(test), reuseRowObject: false).Select(p => p.Score).ToArray();
            labels = model.Labels.ToArray();
        }

        var fresh = new MLContext();
        ITransformer loaded = fresh.Model.Load(modelPath, out _);
        float[][] zip = fresh.Data.CreateEnumerable<Prediction>(loaded.Transform(test), reuseRowObject: false).Select(p => p.Score).ToArray();
        (loaded as IDisposable)?.Dispose();

        string[] images = testRows.Select(r => r.ImagePath).ToArray();
        (int exitCode, string output, string error) = ChildProcess.Run("Ffr.MLNet.Samples.ModelConsumption.dll", images.Prepend(modelPath));
        Assert.True(exitCode == 0, error);
        float[][] child = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t').Skip(2).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray()).ToArray();

        Assert.Equal(8, images.Length);
        Assert.Contains(testRows, r => r.LoadImage().Width == 300);
        Assert.Contains(testRows, r => r.LoadImage().Width == 48);
        Assert.Equal(2, labels.Length);
        AssertClose(network, transformed, "the fitted transformer");
        AssertClose(network, zip, "the zip in a fresh MLContext");
        AssertClose(network, child, "the zip in a fresh process");
    }
}
