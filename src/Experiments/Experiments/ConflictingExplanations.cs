using System.Globalization;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Reports;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Experiments;

/// <summary>What a comparison's models look at where the baseline fails: RISE heatmaps of its bias-conflicting mistakes.</summary>
internal static class ConflictingExplanations
{
    /// <summary>
    /// RISE overlays, side by side, of bias-conflicting test images (up to <paramref name="perClass"/> per
    /// class) that the first of <paramref name="models"/> (the baseline) gets wrong: the image, then per model
    /// the heatmap of the class it predicts, captions with label names. No file when the baseline gets every such image right.
    /// </summary>
    /// <returns>The images explained (manifest rows), or an empty list.</returns>
    public static IReadOnlyList<ImageRow> Explain(ExperimentRunner runner, IReadOnlyList<(string Name, string ModelPath)> models, int perClass, RiseOptions rise, string path)
    {
        MLContext ml = runner.Context;
        var loaded = models.Select(m =>
        {
            ITransformer model = ml.Model.LoadChecked(m.ModelPath, out DataViewSchema schema);
            return (m.Name, Model: model, Labels: ModelFile.Labels(model, schema), Onnx: ModelFile.ExtractOnnx(m.ModelPath));
        }).ToArray();
        try
        {
            var majority = runner.TrainingReport.Classes.ToDictionary(c => c.Label, c => c.MajorityAttribute, StringComparer.Ordinal);
            ImageRow[] wrong = runner.Predict(loaded[0].Model, DataSplit.Test)
                .Where(p => majority.TryGetValue(p.Row.Label, out string? a) && a != p.Row.Attribute && p.Predicted != p.Row.Label)
                .GroupBy(p => p.Row.Label, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .SelectMany(g => g.Take(perClass).Select(p => p.Row)).ToArray();
            if (wrong.Length == 0)
            {
                return wrong;
            }

            RgbImage[] images = wrong.Select(r => r.LoadImage()).ToArray();
            IReadOnlyList<SaliencyMap>[] maps = loaded.Select(m => Rise.Explain(m.Onnx, images, rise)).ToArray();
            var rows = new List<(IReadOnlyList<RgbImage>, IReadOnlyList<string>)>();
            for (int i = 0; i < images.Length; i++)
            {
                SaliencyMap first = maps[0][i];
                var cells = new List<RgbImage> { images[i].ResizeFill(first.Width, first.Height) };
                var captions = new List<string> { $"{wrong[i].Label} on {wrong[i].Attribute}\n(bias-aligned: {majority[wrong[i].Label]})" };
                for (int m = 0; m < loaded.Length; m++)
                {
                    SaliencyMap map = maps[m][i];
                    int k = map.PredictedClass;
                    cells.Add(map.Overlay(images[i], k, scale: 1));
                    captions.Add(string.Create(CultureInfo.InvariantCulture, $"predicts {loaded[m].Labels[k]} ({map.Probabilities[k]:0.00})\nheatmap of {loaded[m].Labels[k]}"));
                }

                rows.Add((cells, captions));
            }

            Charts.ImageGrid("RISE heatmaps of the predicted class (red raises it)",
                new[] { "image (true label on attribute)" }.Concat(loaded.Select(m => m.Name)).ToArray(), rows, path);
            return wrong;
        }
        finally
        {
            foreach (var m in loaded)
            {
                (m.Model as IDisposable)?.Dispose();
            }
        }
    }
}
