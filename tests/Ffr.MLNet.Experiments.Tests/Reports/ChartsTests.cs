using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Images;
using Ffr.MLNet.Reports;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments.Tests.Reports;

public sealed class ChartsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-charts-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SubgroupEvaluation Evaluation(double skill)
    {
        var labels = new List<string>();
        var attributes = new List<string>();
        var predicted = new List<string>();
        var random = new Random(1);
        foreach (string label in new[] { "cat", "dog" })
        {
            foreach (string attribute in new[] { "indoor", "outdoor" })
            {
                for (int i = 0; i < 20; i++)
                {
                    labels.Add(label);
                    attributes.Add(attribute);
                    predicted.Add(random.NextDouble() < skill ? label : (label == "cat" ? "dog" : "cat"));
                }
            }
        }

        return SubgroupEvaluation.Compute(labels, attributes, predicted, resamples: 50);
    }

    private static void AssertDrawn(string path, int width, int height)
    {
        RgbImage image = RgbImage.Load(path);
        Assert.Equal((width, height), (image.Width, image.Height));
        var colours = new HashSet<int>();
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            colours.Add(image.Pixels[i] << 16 | image.Pixels[i + 1] << 8 | image.Pixels[i + 2]);
        }

        Assert.True(colours.Count > 20, $"only {colours.Count} colours: the chart is nearly empty");
        int blue = 0;
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            blue += image.Pixels[i] == 0x1f && image.Pixels[i + 1] == 0x77 && image.Pixels[i + 2] == 0xb4 ? 1 : 0;
        }

        Assert.True(blue > 200, $"{blue} pixels of the first series' colour");
    }

    [Fact]
    public void SubgroupAccuracy_TwoModels_RendersBarsToPng()
    {
        string path = Path.Combine(_dir, "bars.png");
        Charts.SubgroupAccuracy(new[] { ("FFR-ERM", Evaluation(0.9)), ("ASB-ERM", Evaluation(0.6)) }, path);
        AssertDrawn(path, 1400, 520);
    }

    [Fact]
    public void TrainingCurves_TwoPhases_RenderLinesToPng()
    {
        var summary = new TrainingSummary();
        summary.Phases.Add(new PhaseSummary { Name = "pretraining", Epochs = { new(1, 0.6, 0.5, 0.8, 0.8, 3), new(2, 0.3, 0.8, 0.9, 0.9, 3), new(3, 0.2, 0.85, 0.95, 0.95, 3) } });
        summary.Phases.Add(new PhaseSummary { Name = "fine-tuning", Epochs = { new(1, 0.1, 0.8, 0.95, 0.95, 1), new(2, 0.08, 0.75, 0.94, 0.94, 1) } });
        string path = Path.Combine(_dir, "curves.png");
        Charts.TrainingCurves(summary, path);
        AssertDrawn(path, 1100, 480);
    }

    [Fact]
    public void GroupedBars_BarHeightsFollowTheMeans_NaNDrawsNothing()
    {
        string path = Path.Combine(_dir, "grid.png");
        Charts.GroupedBars("grid", new[] { "ERM", "DFR" }, new (string, IReadOnlyList<(double, double)>)[]
        {
            ("None", new[] { (1.0, 0.0), (0.5, 0.1) }),
            ("USB", new[] { (double.NaN, double.NaN), (double.NaN, double.NaN) }),
        }, path, 600, 400);
        RgbImage image = RgbImage.Load(path);

        int Column(int x, byte r, byte g, byte b)
        {
            int n = 0;
            for (int y = 0; y < image.Height; y++)
            {
                int i = (y * image.Width + x) * 3;
                n += image.Pixels[i] == r && image.Pixels[i + 1] == g && image.Pixels[i + 2] == b ? 1 : 0;
            }

            return n;
        }

        // Plot area: x 70..350, y 50..290 (height 240); two groups of 140 px; bar 0 of group g starts at 70 + 140 g + 14, 56 px wide.
        int full = Column(70 + 14 + 10, 0x1f, 0x77, 0xb4);
        int half = Column(70 + 140 + 14 + 10, 0x1f, 0x77, 0xb4);
        Assert.InRange(full, 236, 242);
        Assert.InRange(half, 117, 122);
        Assert.Equal(0, Column(70 + 14 + 56 + 10, 0xff, 0x7f, 0x0e)); // USB's NaN: no bar
        Assert.Equal(0, Column(70 + 140 + 14 + 56 + 10, 0xff, 0x7f, 0x0e));
    }

    [Fact]
    public void GroupedBars_SeriesOfTheWrongLength_NamesIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => Charts.GroupedBars("t", new[] { "a", "b" }, new (string, IReadOnlyList<(double, double)>)[] { ("FFR", new[] { (0.5, 0.0) }) }, Path.Combine(_dir, "x.png")));
        Assert.StartsWith("Series 'FFR' has 1 values for 2 groups.", ex.Message);
    }

    [Fact]
    public void SubgroupAccuracy_NoModels_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => Charts.SubgroupAccuracy(Array.Empty<(string, SubgroupEvaluation)>(), Path.Combine(_dir, "x.png")));
        Assert.StartsWith("At least one model's evaluation is needed.", ex.Message);
    }

    [Fact]
    public void BiasPicture_RealPoolAndBudgets_DrawsOneGroupPerSubgroup()
    {
        var ml = new Microsoft.ML.MLContext(seed: 0);
        Subgroups.SubgroupReport Report(params (string Label, string Attribute, int Count)[] counts) => ml.Data.AnalyzeSubgroups(ml.Data.LoadFromEnumerable(
            counts.SelectMany(c => Enumerable.Repeat(new LabelledRow { Label = c.Label, Attribute = c.Attribute }, c.Count)).ToList()));
        var real = Report(("cat", "indoor", 900), ("cat", "outdoor", 12), ("dog", "indoor", 20), ("dog", "outdoor", 700));
        var pool = Report(("cat", "indoor", 50), ("cat", "outdoor", 800), ("dog", "indoor", 600), ("dog", "outdoor", 50));
        string path = Path.Combine(_dir, "bias.png");

        Charts.BiasPicture(real, pool, Budgets.SyntheticBudgetPlan.CreateForEachStrategy(real, pool), path);

        AssertDrawn(path, 900, 560); // 4 subgroups x 5 bars fit the narrowest width
        string wide = Path.Combine(_dir, "wide.png");
        var many = Report(Enumerable.Range(0, 12).SelectMany(l => new[] { ($"l{l}", "a", 100), ($"l{l}", "b", 3) }).ToArray());
        Charts.BiasPicture(many, null, Array.Empty<Budgets.SyntheticBudgetPlan>(), wide);
        Assert.Equal(90 + 250 + 24 * (16 + 24), RgbImage.Load(wide).Width);
    }

    [Fact]
    public void ImageGrid_RowOfTheWrongLength_Throws()
    {
        var image = new RgbImage(4, 4);
        var ex = Assert.Throws<ArgumentException>(() => Charts.ImageGrid("t", new[] { "a", "b" }, new[] { ((IReadOnlyList<RgbImage>)new[] { image }, (IReadOnlyList<string>)new[] { "x" }) }, Path.Combine(_dir, "g.png")));
        Assert.StartsWith("A row has 1 images and 1 captions for 2 columns.", ex.Message);
        Charts.ImageGrid("t", new[] { "a" }, new[] { ((IReadOnlyList<RgbImage>)new[] { image }, (IReadOnlyList<string>)new[] { "x\ny" }) }, Path.Combine(_dir, "g.png"), cellSize: 40);
        Assert.Equal((12 + 200 + 12, 56 + 40 + 34 + 12 + 12), (RgbImage.Load(Path.Combine(_dir, "g.png")).Width, RgbImage.Load(Path.Combine(_dir, "g.png")).Height));
    }

    private sealed class LabelledRow
    {
        public string Label { get; set; } = string.Empty;

        public string Attribute { get; set; } = string.Empty;
    }
}
