using System.CommandLine;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Images;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>ffr explain: RISE heatmaps of a saved model for some images, as PNG overlays named by image and class.</summary>
internal sealed class ExplainCommand : CliCommand
{
    private static readonly RiseOptions Defaults = new();

    private readonly CliOption<string> _model = CliOptions.Required("--model", "A model zip written by 'ffr train'.");
    private readonly CliOption<string[]> _images = CliOptions.Many("--image", "One or more image files.", required: true);
    private readonly CliOption<string> _out = CliOptions.Required("--out", "The folder for the overlays (<image>.<class>.png).", "-o");
    private readonly CliOption<int> _masks = Masks("Random masks per image.");
    private readonly CliOption<int> _seed = CliOptions.Int("--seed", "Seed of the masks.", Defaults.Seed);

    public ExplainCommand()
        : base("explain", "RISE saliency heatmaps of a saved model, written as PNG overlays on the images.")
    {
        Add(_model);
        Add(_images);
        Add(_out);
        Add(_masks);
        Add(_seed);
    }

    /// <summary>--masks: RISE's random masks per image, 1 to 1,000,000.</summary>
    public static CliOption<int> Masks(string description) => CliOptions.Int("--masks", description, Defaults.Masks, 1, 1_000_000);

    public override int Run(ParseResult args, CliContext context)
    {
        string modelPath = Inputs.File(args, _model, "Model", "Pass a model zip written by 'ffr train'.");
        string outDir = args.Value(_out);
        Outputs.Writable(_out, outDir, folder: true);
        IReadOnlyList<string> paths = args.Value(_images);
        foreach (string path in paths)
        {
            Inputs.Require(path, "Image", "Pass PNG, JPEG, BMP or WebP files.");
        }

        var options = new RiseOptions { Masks = args.GetValue(_masks), Seed = args.GetValue(_seed) };
        RgbImage[] images = paths.Select(RgbImage.Load).ToArray();
        IReadOnlyList<string> labels = Labels(context, modelPath);
        IReadOnlyList<SaliencyMap> maps = Rise.Explain(ModelFile.ExtractOnnx(modelPath), images, options);
        string[] names = UniqueNames(paths);
        for (int i = 0; i < images.Length; i++)
        {
            SaliencyMap map = maps[i];
            for (int k = 0; k < map.PerClass.Count; k++)
            {
                map.Overlay(images[i], k).SavePng(Path.Combine(outDir, $"{names[i]}.{FileSafe(labels[k])}.png"));
            }

            context.Out.WriteLine($"{paths[i]}: predicted {labels[map.PredictedClass]} (p = {map.Probabilities[map.PredictedClass]:0.000}); {map.PerClass.Count} overlays in {outDir} as {names[i]}.<class>.png");
        }

        return 0;
    }

    /// <summary>The class labels of the model, in the network's output order.</summary>
    private static IReadOnlyList<string> Labels(CliContext context, string modelPath)
    {
        var ml = context.NewMLContext();
        ITransformer model = ml.Model.LoadChecked(modelPath, out DataViewSchema inputSchema);
        try
        {
            return ModelFile.Labels(model, inputSchema);
        }
        finally
        {
            (model as IDisposable)?.Dispose();
        }
    }

    /// <summary>The images' file names without extension; names that repeat get -2, -3, ... so that no overlay overwrites another.</summary>
    internal static string[] UniqueNames(IReadOnlyList<string> paths)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new string[paths.Count];
        for (int i = 0; i < paths.Count; i++)
        {
            string name = FileSafe(Path.GetFileNameWithoutExtension(paths[i]));
            string unique = name;
            for (int n = 2; !used.Add(unique); n++)
            {
                unique = $"{name}-{n}";
            }

            names[i] = unique;
        }

        return names;
    }

    private static string FileSafe(string text)
    {
        char[] invalid = Path.GetInvalidFileNameChars();
        return new string(text.Select(c => invalid.Contains(c) || c == '\\' ? '_' : c).ToArray());
    }
}
