using Ffr.MLNet.Explanations;
using Ffr.MLNet.Images;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr explain: RISE heatmaps of a saved model for some images, as PNG overlays.</summary>
internal sealed class ExplainCommand : Command
{
    public override string Name => "explain";

    public override string Summary => "RISE saliency heatmaps of a saved model, written as PNG overlays on the images.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("model", "A model zip written by 'ffr train'.", Required: true),
        new OptionSpec("image", "One or more image files.", Required: true, Many: true),
        new OptionSpec("out", "The folder for the overlays.", Required: true),
        new OptionSpec("masks", "Random masks per image.", Default: "1000"),
        new OptionSpec("seed", "Seed of the masks.", Default: "0"),
    };

    public override int Run(Arguments args, CliContext context)
    {
        byte[] onnx = ModelFile.ExtractOnnx(args.Required("model"));
        IReadOnlyList<string> paths = args.Values("image");
        foreach (string path in paths.Where(p => !File.Exists(p)))
        {
            throw new UserErrorException($"Image '{path}' was not found.");
        }

        RgbImage[] images = paths.Select(RgbImage.Load).ToArray();
        IReadOnlyList<SaliencyMap> maps = Rise.Explain(onnx, images, new RiseOptions { Masks = args.Int("masks", 1000), Seed = args.Int("seed", 0) });
        string outDir = args.Required("out");
        Directory.CreateDirectory(outDir);
        for (int i = 0; i < images.Length; i++)
        {
            SaliencyMap map = maps[i];
            for (int k = 0; k < map.PerClass.Count; k++)
            {
                string file = Path.Combine(outDir, $"{Path.GetFileNameWithoutExtension(paths[i])}.class{k}.png");
                map.Overlay(images[i], k).SavePng(file);
            }

            context.Out.WriteLine($"{paths[i]}: predicted class {map.PredictedClass} (p = {map.Probabilities[map.PredictedClass]:0.000}); {map.PerClass.Count} overlays in {outDir}");
        }

        return 0;
    }
}
