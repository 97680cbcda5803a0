using System.Globalization;
using System.Text.Json;
using Ffr.MLNet.Images;
using Ffr.MLNet.Tests;

namespace Ffr.MLNet.Cli.Tests;

/// <summary>
/// The real-photo path end to end through the tool: photo-sized images of other sizes than the network's,
/// the ImageNet-pretrained ResNet-18 with a frozen backbone at 224 x 224, evaluate, and the saved zip
/// consumed Model Builder-style in a separate process.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class PhotoTrainingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ffr-photos-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>
    /// A manifest of 300 x 200 and 180 x 240 pictures: a disc (label "round") or a bar ("long") on an indoor
    /// (warm) or outdoor (green-blue) background, 90% of each label on one background in training.
    /// </summary>
    private string WriteManifest()
    {
        var random = new Random(7);
        var lines = new List<string> { "ImagePath,Label,Attribute,Source,Split" };
        int n = 0;
        void Add(string label, string attribute, string source, string split, int count)
        {
            for (int i = 0; i < count; i++)
            {
                (int w, int h) = n % 2 == 0 ? (300, 200) : (180, 240);
                var image = new RgbImage(w, h);
                (byte r, byte g, byte b) = attribute == "indoor" ? ((byte)200, (byte)150, (byte)90) : ((byte)70, (byte)160, (byte)190);
                double cx = w * (0.3 + (0.4 * random.NextDouble())), cy = h * (0.3 + (0.4 * random.NextDouble()));
                for (int y = 0; y < h; y++)
                {
                    for (int x = 0; x < w; x++)
                    {
                        bool inside = label == "round"
                            ? ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) < (0.2 * h) * (0.2 * h)
                            : Math.Abs(x - cx) < 0.35 * w && Math.Abs(y - cy) < 0.06 * h;
                        int noise = random.Next(-10, 11);
                        int o = ((y * w) + x) * 3;
                        image.Pixels[o] = (byte)Math.Clamp((inside ? 30 : r) + noise, 0, 255);
                        image.Pixels[o + 1] = (byte)Math.Clamp((inside ? 30 : g) + noise, 0, 255);
                        image.Pixels[o + 2] = (byte)Math.Clamp((inside ? 40 : b) + noise, 0, 255);
                    }
                }

                string name = $"{split}-{source}-{label}-{attribute}-{i}.png";
                image.SavePng(Path.Combine(_folder, name));
                lines.Add($"{name},{label},{attribute},{source},{split}");
                n++;
            }
        }

        foreach (string label in new[] { "round", "long" })
        {
            string aligned = label == "round" ? "indoor" : "outdoor";
            foreach (string attribute in new[] { "indoor", "outdoor" })
            {
                Add(label, attribute, "real", "train", attribute == aligned ? 9 : 1);
                Add(label, attribute, "real", "val", 3);
                Add(label, attribute, "real", "test", 4);
                Add(label, attribute, "synthetic", "train", 5);
            }
        }

        string manifest = Path.Combine(_folder, "manifest.csv");
        File.WriteAllLines(manifest, lines);
        return manifest;
    }

    [Fact]
    public void PretrainedFrozenBackbone_At224_TrainsEvaluates_AndAnOutsideAppScoresTheSame()
    {
        string manifest = WriteManifest();
        string model = Path.Combine(_folder, "model.zip");
        var (code, output, error) = Ffr.Run("train", "--manifest", manifest, "--model-out", model, "--architecture", "resnet18-imagenet",
            "--freeze", "backbone", "--image-size", "224", "--method", "groupdro", "--learning-rate", "0.01", "--batch-size", "8");
        Assert.True(code == 0, output + error);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(model, ".summary.json")));
        Assert.Equal("backbone", summary.RootElement.GetProperty("freeze").GetString(), ignoreCase: true);
        Assert.True(summary.RootElement.GetProperty("featureSeconds").GetDouble() > 0);

        (code, output, error) = Ffr.Run("evaluate", "--model", model, "--manifest", manifest, "--json");
        Assert.True(code == 0, output + error);
        using JsonDocument evaluation = JsonDocument.Parse(output);
        double accuracy = evaluation.RootElement.GetProperty("accuracy").GetDouble();
        Assert.True(accuracy >= 0.75, $"pretrained features separate a disc from a bar: test accuracy {accuracy}");

        string[] lines = File.ReadAllLines(manifest).Skip(1).Where(l => l.EndsWith(",test", StringComparison.Ordinal)).ToArray();
        string[] images = lines.Select(l => Path.Combine(_folder, l.Split(',')[0])).ToArray();
        (int exit, string predictions, string childError) = ChildProcess.Run("Ffr.MLNet.Samples.ModelConsumption.dll", images.Prepend(model));
        Assert.True(exit == 0, childError);
        string[] predicted = predictions.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[1]).ToArray();
        Assert.Equal(images.Length, predicted.Length);
        double outside = lines.Zip(predicted).Count(p => p.First.Split(',')[1] == p.Second) / (double)lines.Length;
        Assert.Equal(accuracy, outside, precision: 9);
    }
}

/// <summary>The network options' mistakes, answered in the tool's own terms before any work.</summary>
[Collection(CliCollection.Name)]
public sealed class NetworkOptionTests
{
    private readonly CliData _data;

    public NetworkOptionTests(CliData data) => _data = data;

    [Theory]
    [InlineData(new[] { "--freeze", "backbone" }, "--freeze backbone", "nothing pretrained to freeze")]
    [InlineData(new[] { "--architecture", "resnet18", "--freeze", "all-but-last-stage" }, "--architecture resnet18", "--initial-weights")]
    [InlineData(new[] { "--architecture", "resnet18-imagenet", "--image-size", "16" }, "--image-size 16", "at least 32")]
    [InlineData(new[] { "--architecture", "resnet50", "--image-size", "31" }, "--architecture resnet50", "at least 32")]
    [InlineData(new[] { "--freeze", "head" }, "--freeze", "backbone")]
    [InlineData(new[] { "--device", "gpu" }, "--device", "cuda:N")]
    [InlineData(new[] { "--device", "cuda:0" }, "--device cuda:0", "--device cpu")]
    public void Mistake_IsAUserError_NamingTheOption_BeforeAnyOutput(string[] options, string names, string advice)
    {
        string model = Path.Combine(Path.GetTempPath(), "ffr-network-options-" + Guid.NewGuid().ToString("N"), "model.zip");
        var (code, _, error) = Ffr.Run(new[] { "train", "--manifest", _data.Manifest, "--model-out", model }.Concat(options).ToArray());
        Assert.Equal(CliApp.UserError, code);
        Assert.Contains(names, error);
        Assert.Contains(advice, error);
        Assert.False(File.Exists(model));
    }
}
