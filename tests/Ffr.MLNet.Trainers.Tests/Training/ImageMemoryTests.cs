using Ffr.MLNet.Batching;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;
using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Training;

/// <summary>Decoded images held across passes (ImageCacheMegabytes): the same batches as decoding every time, within the memory given.</summary>
[Collection(BenchmarkDataCollection.Name)]
public sealed class ImageMemoryTests
{
    private readonly BenchmarkData _data;

    public ImageMemoryTests(BenchmarkData data) => _data = data;

    private static ImageRow[] Rows(int count, int width, int height)
    {
        var random = new Random(7);
        return Enumerable.Range(0, count).Select(i =>
        {
            var pixels = new byte[width * height * 3];
            random.NextBytes(pixels);
            return new ImageRow { ImagePath = $"mem{i}.png", Label = "l", Attribute = "a", Image = new RgbImage(width, height, pixels) };
        }).ToArray();
    }

    private static ImageBatcher Batcher(ImageRow[] rows, int? imageSize, bool flip) => new(rows, new ImageBatcherOptions
    {
        BatchSize = 64, ImageSize = imageSize, Shuffle = true, HorizontalFlip = flip, Seed = 3, PrefetchBatches = 0,
        Mean = new[] { 0.5f, 0.4f, 0.3f }, Std = new[] { 0.25f, 0.2f, 0.3f },
    });

    private static List<(float[] X, long[] Shape, int[] Rows)> ReadAll(NetworkInputs inputs, int epoch, int[] order)
    {
        var batches = new List<(float[], long[], int[])>();
        foreach ((Tensor x, int[] rows) in inputs.Read(epoch, order, CancellationToken.None))
        {
            using (x)
            {
                using Tensor values = x.contiguous();
                batches.Add((values.data<float>().ToArray(), x.shape, rows));
            }
        }

        return batches;
    }

    [Theory]
    [InlineData(150, 40, 36, 32, true)] // resized (Fill), mirrored, a short last batch
    [InlineData(70, 24, 24, null, false)] // the images' own size
    public void HeldImages_GiveTheDecodedBatches_BitForBit(int count, int width, int height, int? imageSize, bool flip)
    {
        ImageRow[] rows = Rows(count, width, height);
        ImageBatcher batcher = Batcher(rows, imageSize, flip);
        var memory = new ImageMemory(1L << 30);
        using NetworkInputs held = NetworkInputs.Images(batcher, memory, CancellationToken.None);
        int side = imageSize ?? width;
        Assert.Equal((1L << 30) - (3L * side * (imageSize ?? height) * count), memory.Left);
        NetworkInputs decoded = NetworkInputs.Decoded(batcher);
        int[] resampled = Enumerable.Range(0, count).Select(i => (i * 7) % (count / 2)).ToArray(); // repeats, as a resampled epoch has
        foreach ((int epoch, int[] order) in new[] { (1, batcher.Order(1)), (2, batcher.Order(2)), (3, resampled) })
        {
            var expected = ReadAll(decoded, epoch, order);
            var actual = ReadAll(held, epoch, order);
            Assert.Equal(expected.Count, actual.Count);
            for (int b = 0; b < expected.Count; b++)
            {
                Assert.Equal(expected[b].Shape, actual[b].Shape);
                Assert.Equal(expected[b].Rows, actual[b].Rows);
                Assert.True(expected[b].X.SequenceEqual(actual[b].X), $"epoch {epoch}, batch {b}: the held images' batch differs from the decoded one");
            }
        }
    }

    [Fact]
    public void ImagesThatDoNotFit_AreDecodedEachPass_AndHeldMemoryIsGivenBack()
    {
        ImageRow[] rows = Rows(10, 16, 16);
        ImageBatcher batcher = Batcher(rows, null, false);
        long bytes = 3L * 16 * 16 * 10;
        var tooSmall = new ImageMemory(bytes - 1);
        using (NetworkInputs inputs = NetworkInputs.Images(batcher, tooSmall, CancellationToken.None))
        {
            Assert.Equal(bytes - 1, tooSmall.Left); // nothing taken: decoded on every pass
            Assert.Equal(10, ReadAll(inputs, 1, batcher.Order(1)).Sum(b => b.Rows.Length));
        }

        var enough = new ImageMemory(bytes);
        using (NetworkInputs inputs = NetworkInputs.Images(batcher, enough, CancellationToken.None))
        {
            Assert.Equal(0, enough.Left);
        }

        Assert.Equal(bytes, enough.Left);
    }

    [Fact]
    public void AHeldImageThatCannotBeRead_IsNamed()
    {
        ImageRow[] rows = Rows(3, 16, 16);
        string missing = Path.Combine(Path.GetTempPath(), $"ffr-missing-{Guid.NewGuid():N}.png");
        rows[2] = new ImageRow { ImagePath = missing, Label = "l", Attribute = "a" };
        var memory = new ImageMemory(1L << 20);
        var ex = Assert.Throws<InvalidDataException>(() => NetworkInputs.Images(Batcher(rows, 16, false), memory, CancellationToken.None).Dispose());
        Assert.Contains(missing, ex.Message);
        Assert.Equal(1L << 20, memory.Left);
    }

    [Fact]
    public void Training_IsTheSame_WithImagesHeldOrDecodedEveryPass()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        FfrTrainerOptions Options(int megabytes)
        {
            FfrTrainerOptions options = BenchmarkData.Quick(SyntheticStrategy.Ffr, TrainingMethod.GroupDro);
            options.HorizontalFlip = true;
            options.ImageCacheMegabytes = megabytes;
            return options;
        }

        using FfrImageClassificationTransformer held = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Options(1024)).Fit(train);
        using FfrImageClassificationTransformer decoded = ml.MulticlassClassification.Trainers.Ffr(pool, validation, Options(0)).Fit(train);
        Assert.Equal(
            decoded.Summary.Phases.SelectMany(p => p.Epochs).Select(e => (e.Loss, e.ValidationWorstGroupAccuracy)),
            held.Summary.Phases.SelectMany(p => p.Epochs).Select(e => (e.Loss, e.ValidationWorstGroupAccuracy)));
        using var scope = NewDisposeScope();
        foreach ((string name, Tensor value) in decoded.Network.Module.state_dict())
        {
            Assert.True(value.equal(held.Network.Module.state_dict()[name]).all().item<bool>(), $"{name} differs between held and decoded images");
        }
    }

    [Fact]
    public void KeptImages_AreTakenInsteadOfDecoded_TheRestLetGo_AndTrainingIsTheSame()
    {
        var ml = new MLContext(seed: 0);
        var (train, validation, _, pool, _) = _data.Views(ml);
        ImageManifest manifest = ImageManifest.Load(_data.ManifestPath, new ManifestLoadOptions { KeepDecodedMegabytes = 1024 });
        int kept = manifest.Decoded!.Count;
        FfrTrainerOptions options = BenchmarkData.Quick(SyntheticStrategy.Asb, TrainingMethod.Erm); // ASB draws part of the pool: the rest is not taken

        using FfrImageClassificationTransformer fromKept = ml.MulticlassClassification.Trainers.Ffr(pool, validation, options)
            .Fit(train, manifest.Select(DataSplit.Train, SampleSource.Real), manifest.Select(DataSplit.Val), manifest.Select(DataSplit.Train, SampleSource.Synthetic), manifest.Decoded);
        using FfrImageClassificationTransformer fromFiles = ml.MulticlassClassification.Trainers.Ffr(pool, validation, BenchmarkData.Quick(SyntheticStrategy.Asb, TrainingMethod.Erm)).Fit(train);

        Assert.Equal(manifest.Rows.Count(r => r.Split != DataSplit.Test), kept); // every train and val image, no test image
        Assert.Equal(0, manifest.Decoded.Count); // taken by the fit, or let go when it ended
        Assert.Equal(
            fromFiles.Summary.Phases.SelectMany(p => p.Epochs).Select(e => (e.Loss, e.ValidationWorstGroupAccuracy)),
            fromKept.Summary.Phases.SelectMany(p => p.Epochs).Select(e => (e.Loss, e.ValidationWorstGroupAccuracy)));
    }

    [Fact]
    public void ANegativeImageCache_IsRejected()
    {
        var ml = new MLContext(seed: 0);
        var (_, validation, _, pool, _) = _data.Views(ml);
        FfrTrainerOptions options = BenchmarkData.Quick(SyntheticStrategy.Ffr);
        options.ImageCacheMegabytes = -1;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => ml.MulticlassClassification.Trainers.Ffr(pool, validation, options));
        Assert.Equal(nameof(FfrTrainerOptions.ImageCacheMegabytes), ex.ParamName);
    }
}
