using Ffr.MLNet.Datasets;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Transforms.Tests.Datasets;

public sealed class BenchmarkDatasetTests
{
    private static readonly Lazy<BenchmarkDataset> Default = new(() => BenchmarkDataset.Create());

    private static Dictionary<(string, string), int> Counts(IEnumerable<ImageRow> rows) =>
        rows.GroupBy(r => (r.Label, r.Attribute)).ToDictionary(g => g.Key, g => g.Count());

    [Theory]
    [InlineData(0.9, 111, new[] { 37, 37, 37 })]
    [InlineData(0.95, 53, new[] { 18, 18, 17 })]
    [InlineData(0.97, 31, new[] { 11, 10, 10 })]
    [InlineData(0.99, 10, new[] { 4, 3, 3 })]
    [InlineData(0.999, 1, new[] { 1, 0, 0 })]
    public void TrainCount_EveryBiasRate_GivesExactSubgroupSizes(double rate, int conflicting, int[] others)
    {
        Assert.Equal(conflicting, BenchmarkDataset.ConflictingPerClass(1000, rate));
        for (int label = 0; label < 4; label++)
        {
            Assert.Equal(1000, BenchmarkDataset.TrainCount(label, label, 1000, rate));
            for (int k = 0; k < 3; k++)
            {
                Assert.Equal(others[k], BenchmarkDataset.TrainCount(label, (label + 1 + k) % 4, 1000, rate));
            }
        }
    }

    [Fact]
    public void Create_Default_HasThePromisedSplits()
    {
        BenchmarkDataset data = Default.Value;
        var train = Counts(data.Train);
        Assert.Equal(1000, train[("tshirt", "red")]);
        Assert.Equal(4, train[("tshirt", "green")]);
        Assert.Equal(3, train[("tshirt", "blue")]);
        Assert.Equal(3, train[("tshirt", "yellow")]);
        Assert.Equal(4, train[("bag", "red")]);
        Assert.Equal(1000, train[("bag", "yellow")]);
        Assert.Equal(4040, data.Train.Count);

        Assert.Equal(16, Counts(data.Validation).Count);
        Assert.All(Counts(data.Validation).Values, c => Assert.Equal(20, c));
        Assert.All(Counts(data.Test).Values, c => Assert.Equal(50, c));
        Assert.Equal(16, Counts(data.Test).Count);
        Assert.All(Counts(data.SyntheticPool).Values, c => Assert.Equal(1000, c));
        Assert.All(data.SyntheticPool, r => Assert.Equal((SampleSource.Synthetic, DataSplit.Train), (r.Source, r.Split)));
        Assert.All(data.Train.Concat(data.Test), r => Assert.Equal(SampleSource.Real, r.Source));
        Assert.All(data.AllRows, r => Assert.Equal((32, 32), (r.Image!.Width, r.Image.Height)));
    }

    [Fact]
    public void Create_SyntheticGarments_AreDisjointFromEveryRealSplit()
    {
        BenchmarkDataset data = Default.Value;
        static HashSet<string> Garments(IEnumerable<ImageRow> rows) => rows.Select(r => r.Label + ":" + r.Extra["FashionMnistIndex"]).ToHashSet();
        HashSet<string> real = Garments(data.Train.Concat(data.Validation).Concat(data.Test));
        HashSet<string> synthetic = Garments(data.SyntheticPool);
        Assert.Empty(real.Intersect(synthetic));
        Assert.Equal(4040 + 320 + 800, real.Count);
    }

    [Fact]
    public void Create_SameSeed_IsByteIdentical_OtherSeedDiffers()
    {
        var options = new BenchmarkDatasetOptions { MajorityPerClass = 50, ValidationPerSubgroup = 2, TestPerSubgroup = 2, SyntheticPerSubgroup = 5, Seed = 4 };
        BenchmarkDataset a = BenchmarkDataset.Create(options);
        BenchmarkDataset b = BenchmarkDataset.Create(options);
        BenchmarkDataset c = BenchmarkDataset.Create(new BenchmarkDatasetOptions { MajorityPerClass = 50, ValidationPerSubgroup = 2, TestPerSubgroup = 2, SyntheticPerSubgroup = 5, Seed = 5 });

        Assert.Equal(a.AllRows.Select(r => r.Image!.EncodePng()), b.AllRows.Select(r => r.Image!.EncodePng()));
        Assert.NotEqual(a.Train[0].Image!.Pixels, c.Train[0].Image!.Pixels);
    }

    [Fact]
    public void Create_Background_IsTheAttributesColour_AndSyntheticCarriesNoise()
    {
        var options = new BenchmarkDatasetOptions { MajorityPerClass = 20, ValidationPerSubgroup = 1, TestPerSubgroup = 1, SyntheticPerSubgroup = 3, SyntheticSeverity = 5 };
        BenchmarkDataset data = BenchmarkDataset.Create(options);
        ImageRow red = data.Train.First(r => r.Attribute == "red");
        byte[] corner = red.Image!.Pixels[..3];
        Assert.InRange(corner[0], 180, 215); // red background, lightly textured
        Assert.InRange(corner[1], 25, 55);

        static double Roughness(ImageRow row) // mean absolute difference between horizontal neighbours in the border
        {
            byte[] p = row.Image!.Pixels;
            double sum = 0;
            for (int x = 0; x < 31; x++)
            {
                sum += Math.Abs(p[x * 3] - p[(x + 1) * 3]);
            }

            return sum / 31;
        }

        double real = data.Train.Where(r => r.Attribute == "red").Average(Roughness);
        double synthetic = data.SyntheticPool.Where(r => r.Attribute == "red").Average(Roughness);
        Assert.True(synthetic > real * 2, $"synthetic border roughness {synthetic:0.0} vs real {real:0.0}");
    }

    [Fact]
    public void Create_TooManyImagesForTheEmbeddedSubset_SaysWhatToLower()
    {
        var ex = Assert.Throws<ArgumentException>(() => BenchmarkDataset.Create(new BenchmarkDatasetOptions { MajorityPerClass = 2500 }));
        Assert.StartsWith("Class 'tshirt' needs 5305 garments (2525 train, 80 validation, 200 test, 2500 synthetic) but the embedded Fashion-MNIST has 3000. Lower the counts, or set UseFullFashionMnist", ex.Message);
    }

    [Fact]
    public void Create_BadBiasRate_Throws()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => BenchmarkDataset.Create(new BenchmarkDatasetOptions { BiasRate = 1.0 }));
        Assert.Contains("BiasRate must be above 0.5 and below 1", ex.Message);
    }

    [Fact]
    public void WriteTo_WritesPngsAndAManifestThatLoadsBack()
    {
        string dir = Directory.CreateTempSubdirectory("ffr-bench-").FullName;
        try
        {
            var data = BenchmarkDataset.Create(new BenchmarkDatasetOptions { MajorityPerClass = 30, ValidationPerSubgroup = 2, TestPerSubgroup = 3, SyntheticPerSubgroup = 4 });
            string manifestPath = data.WriteTo(dir);

            ImageManifest manifest = ImageManifest.Load(manifestPath);
            Assert.Equal(data.AllRows.Count(), manifest.Rows.Count);
            Assert.Equal(new[] { "FashionMnistIndex" }, manifest.ExtraColumns);
            Assert.Equal(data.Test.Count, manifest.Select(DataSplit.Test).Count);
            ImageRow first = manifest.Rows[0];
            Assert.Equal(data.Train[0].Image!.Pixels, first.LoadImage().Pixels);
            Assert.StartsWith("ImagePath,Label,Attribute,Source,Split,FashionMnistIndex\ntrain/tshirt/red/000000.png,tshirt,red,real,train,", File.ReadAllText(manifestPath));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
