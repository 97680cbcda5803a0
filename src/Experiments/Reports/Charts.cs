using System.Globalization;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Training;
using SkiaSharp;

namespace Ffr.MLNet.Reports;

/// <summary>
/// PNG charts drawn with SkiaSharp 2.88 (the version under ML.NET ImageAnalytics; ScottPlot 5 needs
/// SkiaSharp 3, which breaks ImageAnalytics at run time): grouped bars (per-subgroup accuracy of
/// several models side by side, an experiment grid's strategies per method), training curves from a <see cref="TrainingSummary"/>
/// (this file), the picture of a dataset's bias (Charts.BiasPicture.cs) and grids of images such as RISE heatmaps
/// (Charts.ImageGrid.cs). Text uses the first of DejaVu Sans, Liberation Sans or the default typeface that the machine has.
/// </summary>
public static partial class Charts
{
    /// <summary>Grouped bars: one group per subgroup, one bar per model, accuracy from 0 to 1; the worst-group accuracy in the legend.</summary>
    public static void SubgroupAccuracy(IReadOnlyList<(string Model, SubgroupEvaluation Evaluation)> models, string path, int width = 1400, int height = 520)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(path);
        if (models.Count == 0)
        {
            throw new ArgumentException("At least one model's evaluation is needed.", nameof(models));
        }

        string[] groups = models[0].Evaluation.Groups.Select(g => $"{g.Label}|{g.Attribute}").ToArray();
        var series = models.Select(m => (
            $"{m.Model} (worst {m.Evaluation.WorstGroupAccuracy.ToString("0.000", CultureInfo.InvariantCulture)})",
            (IReadOnlyList<(double, double)>)m.Evaluation.Groups.Select(g => (double.IsNaN(g.Accuracy) ? 0 : g.Accuracy, double.NaN)).ToArray())).ToArray();
        GroupedBars("Test accuracy by subgroup", groups, series, path, width, height);
    }

    /// <summary>
    /// Grouped bars from 0 to 1: one group per entry of <paramref name="groups"/>, one bar per series
    /// (in the palette's order, named in the legend), a black whisker of plus and minus the standard
    /// deviation where it is a number. A NaN mean draws no bar (a cell not run).
    /// </summary>
    /// <param name="title">The chart's title.</param>
    /// <param name="groups">The groups' labels, left to right.</param>
    /// <param name="series">Per series its legend name and one (mean, standard deviation) per group.</param>
    /// <param name="path">The PNG file to write; its folder is created.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void GroupedBars(string title, IReadOnlyList<string> groups, IReadOnlyList<(string Name, IReadOnlyList<(double Mean, double Std)> Values)> series, string path, int width = 1000, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(path);
        if (groups.Count == 0 || series.Count == 0)
        {
            throw new ArgumentException($"A bar chart needs at least one group and one series; got {groups.Count} groups and {series.Count} series.", nameof(series));
        }

        if (series.FirstOrDefault(s => s.Values.Count != groups.Count) is { Name: not null } wrong)
        {
            throw new ArgumentException($"Series '{wrong.Name}' has {wrong.Values.Count} values for {groups.Count} groups.", nameof(series));
        }

        Draw(path, width, height, (canvas, plot) =>
        {
            Axes(canvas, plot, title, 0, 1);
            float groupWidth = plot.Width / groups.Count;
            float barWidth = groupWidth * 0.8f / series.Count;
            using var whisker = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.5f, IsStroke = true, IsAntialias = true };
            for (int s = 0; s < series.Count; s++)
            {
                using var fill = new SKPaint { Color = Palette[s % Palette.Length], IsAntialias = true };
                for (int g = 0; g < groups.Count; g++)
                {
                    (double mean, double std) = series[s].Values[g];
                    if (double.IsNaN(mean))
                    {
                        continue;
                    }

                    float left = plot.Left + g * groupWidth + groupWidth * 0.1f + s * barWidth;
                    float Y(double v) => plot.Bottom - (float)Math.Clamp(v, 0, 1) * plot.Height;
                    canvas.DrawRect(new SKRect(left, Y(mean), left + barWidth, plot.Bottom), fill);
                    if (!double.IsNaN(std) && std > 0)
                    {
                        float x = left + barWidth / 2;
                        canvas.DrawLine(x, Y(mean - std), x, Y(mean + std), whisker);
                        canvas.DrawLine(x - barWidth / 4, Y(mean + std), x + barWidth / 4, Y(mean + std), whisker);
                        canvas.DrawLine(x - barWidth / 4, Y(mean - std), x + barWidth / 4, Y(mean - std), whisker);
                    }
                }
            }

            using var text = TextPaint(11);
            for (int g = 0; g < groups.Count; g++)
            {
                canvas.Save();
                canvas.Translate(plot.Left + (g + 0.5f) * groupWidth, plot.Bottom + 8);
                canvas.RotateDegrees(35);
                canvas.DrawText(groups[g], 0, 10, text);
                canvas.Restore();
            }

            Legend(canvas, plot, series.Select(s => s.Name).ToArray());
        });
    }

    /// <summary>Training loss and validation worst-group accuracy per epoch, phases one after another, a dashed line between phases.</summary>
    public static void TrainingCurves(TrainingSummary summary, string path, int width = 1100, int height = 480)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(path);
        var epochs = summary.Phases.SelectMany(p => p.Epochs.Select(e => (Phase: p.Name, e.Loss, e.ValidationWorstGroupAccuracy))).ToArray();
        if (epochs.Length == 0)
        {
            throw new ArgumentException("The summary has no epochs.", nameof(summary));
        }

        double maxLoss = Math.Max(1e-6, epochs.Max(e => double.IsNaN(e.Loss) ? 0 : e.Loss));
        Draw(path, width, height, (canvas, plot) =>
        {
            Axes(canvas, plot, $"{Spelling.Name(summary.Strategy, summary.Method)}: loss (scaled to its maximum {maxLoss.ToString("0.000", CultureInfo.InvariantCulture)}) and validation worst-group accuracy", 0, 1);
            float step = epochs.Length == 1 ? 0 : plot.Width / (epochs.Length - 1);
            float X(int i) => epochs.Length == 1 ? plot.MidX : plot.Left + i * step;
            Line(canvas, plot, epochs.Select((e, i) => new SKPoint(X(i), plot.Bottom - (float)(e.Loss / maxLoss) * plot.Height)).ToArray(), Palette[0]);
            Line(canvas, plot, epochs.Select((e, i) => new SKPoint(X(i), plot.Bottom - (float)e.ValidationWorstGroupAccuracy * plot.Height)).ToArray(), Palette[1]);
            using var dashed = new SKPaint { Color = SKColors.Gray, StrokeWidth = 1, PathEffect = SKPathEffect.CreateDash(new[] { 6f, 4f }, 0), IsStroke = true };
            using var text = TextPaint(12);
            using var tick = TextPaint(11);
            int epochInPhase = 0;
            for (int i = 0; i < epochs.Length; i++)
            {
                epochInPhase = i > 0 && epochs[i].Phase == epochs[i - 1].Phase ? epochInPhase + 1 : 1;
                canvas.DrawText(epochInPhase.ToString(CultureInfo.InvariantCulture), X(i) - 3, plot.Bottom + 18, tick);
                if (i == 0 || epochs[i].Phase != epochs[i - 1].Phase)
                {
                    if (i > 0)
                    {
                        canvas.DrawLine(X(i) - step / 2, plot.Top, X(i) - step / 2, plot.Bottom, dashed);
                    }

                    canvas.DrawText(epochs[i].Phase, X(i) + 4, plot.Top + 14, text);
                }
            }

            canvas.DrawText("epoch of each phase", plot.MidX - 60, plot.Bottom + 40, tick);
            Legend(canvas, plot, new[] { "training loss / max", "validation worst-group accuracy" });
        });
    }
}
