using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Evaluation;
using Ffr.MLNet.Images;
using Ffr.MLNet.Subgroups;
using Ffr.MLNet.IO;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Training;
using SkiaSharp;

namespace Ffr.MLNet.Reports;

/// <summary>
/// PNG charts drawn with SkiaSharp 2.88 (the version under ML.NET ImageAnalytics; ScottPlot 5 needs
/// SkiaSharp 3, which breaks ImageAnalytics at run time): grouped bars (per-subgroup accuracy of
/// several models side by side, an experiment grid's strategies per method), and training curves from a <see cref="TrainingSummary"/>. Text uses the
/// first of DejaVu Sans, Liberation Sans or the default typeface that the machine has.
/// </summary>
public static class Charts
{
    private static readonly SKColor[] Palette =
    {
        new(0x1f, 0x77, 0xb4), new(0xff, 0x7f, 0x0e), new(0x2c, 0xa0, 0x2c), new(0xd6, 0x27, 0x28), new(0x94, 0x67, 0xbd), new(0x8c, 0x56, 0x4b),
    };

    private static readonly Lazy<SKTypeface> Font = new(() =>
    {
        string[] files =
        {
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/System/Library/Fonts/Helvetica.ttc", @"C:\Windows\Fonts\arial.ttf",
        };
        foreach (string file in files.Where(File.Exists))
        {
            if (SKTypeface.FromFile(file) is SKTypeface typeface)
            {
                return typeface;
            }
        }

        return SKTypeface.Default;
    });

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

    /// <summary>
    /// A picture of the bias: per label, per attribute, the real training images (the bias-aligned
    /// subgroup's bar outlined in black and marked "aligned"), the synthetic pool beside them, and the
    /// synthetic budget of each plan, on a logarithmic count axis with each bar's count written above it.
    /// </summary>
    /// <param name="real">The real training rows' subgroup report.</param>
    /// <param name="pool">The synthetic pool's subgroup report, or null when there is none (its bars are left out).</param>
    /// <param name="budgets">The synthetic budgets to draw (one bar each per subgroup), such as USB's, ASB's and FFR's.</param>
    /// <param name="path">The PNG file to write; its folder is created.</param>
    public static void BiasPicture(SubgroupReport real, SubgroupReport? pool, IReadOnlyList<SyntheticBudgetPlan> budgets, string path)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(path);
        if (real.Groups.Count == 0)
        {
            throw new ArgumentException("The report has no subgroups to draw.", nameof(real));
        }

        var aligned = real.Classes.ToDictionary(c => c.Label, c => c.MajorityAttribute, StringComparer.Ordinal);
        var series = new List<(string Name, Func<SubgroupCount, long> Count)> { ("real training images", g => g.Count) };
        if (pool is not null)
        {
            series.Add(("synthetic pool", g => pool.GetCount(g.Label, g.Attribute)));
        }

        foreach (SyntheticBudgetPlan plan in budgets)
        {
            series.Add(($"{Spelling.Strategies.Display(plan.Strategy)} budget ({plan.TotalNeeded} in all)", g => plan.Subgroups.FirstOrDefault(b => b.Key == g.Key)?.Needed ?? 0));
        }

        SubgroupCount[] groups = real.Groups.ToArray();
        long max = Math.Max(1, groups.Max(g => series.Max(s => s.Count(g))));
        double top = Math.Ceiling(Math.Log10(max * 1.5));
        int width = Math.Max(900, 90 + LegendWidth + groups.Length * (series.Count * 16 + 24));
        Draw(path, width, 560, (canvas, plot) =>
        {
            using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.5f, IsStroke = true, IsAntialias = true };
            using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, IsStroke = true };
            using var text = TextPaint(12);
            using var small = TextPaint(9);
            float Y(long v) => v <= 0 ? plot.Bottom : plot.Bottom - (float)(Math.Log10(v + 1) / top) * plot.Height;
            for (int p = 0; p <= (int)top; p++)
            {
                long value = (long)Math.Pow(10, p);
                float y = plot.Bottom - (float)(Math.Log10(value + 1) / top) * plot.Height;
                canvas.DrawLine(plot.Left, y, plot.Right, y, grid);
                canvas.DrawText(value.ToString(CultureInfo.InvariantCulture), plot.Left - 8 - text.MeasureText(value.ToString(CultureInfo.InvariantCulture)), y + 4, text);
            }

            canvas.DrawLine(plot.Left, plot.Top, plot.Left, plot.Bottom, axis);
            canvas.DrawLine(plot.Left, plot.Bottom, plot.Right, plot.Bottom, axis);
            using var heading = TextPaint(15);
            canvas.DrawText("Training images per subgroup (log scale): real, synthetic pool, and each strategy's synthetic budget", plot.Left, plot.Top - 18, heading);
            float groupWidth = plot.Width / groups.Length;
            float barWidth = groupWidth * 0.84f / series.Count;
            using var outline = new SKPaint { Color = SKColors.Black, StrokeWidth = 2.5f, IsStroke = true };
            using var separator = new SKPaint { Color = SKColors.Gray, StrokeWidth = 1, PathEffect = SKPathEffect.CreateDash(new[] { 6f, 4f }, 0), IsStroke = true };
            using var bold = TextPaint(13);
            bold.FakeBoldText = true;
            for (int g = 0; g < groups.Length; g++)
            {
                SubgroupCount group = groups[g];
                bool isAligned = aligned.TryGetValue(group.Label, out string? majority) && majority == group.Attribute;
                for (int s = 0; s < series.Count; s++)
                {
                    long count = series[s].Count(group);
                    float left = plot.Left + g * groupWidth + groupWidth * 0.08f + s * barWidth;
                    var bar = new SKRect(left, Y(count), left + barWidth - 1, plot.Bottom);
                    using var fill = new SKPaint { Color = Palette[s % Palette.Length], IsAntialias = true };
                    canvas.DrawRect(bar, fill);
                    if (s == 0 && isAligned)
                    {
                        canvas.DrawRect(bar, outline);
                    }

                    canvas.Save();
                    canvas.Translate(left + barWidth / 2 + 3, Y(count) - 3);
                    canvas.RotateDegrees(-90);
                    canvas.DrawText(count.ToString(CultureInfo.InvariantCulture), 0, 0, small);
                    canvas.Restore();
                }

                float middle = plot.Left + (g + 0.5f) * groupWidth;
                string attribute = group.Attribute;
                canvas.DrawText(attribute, middle - text.MeasureText(attribute) / 2, plot.Bottom + 16, text);
                if (isAligned)
                {
                    canvas.DrawText("(aligned)", middle - small.MeasureText("(aligned)") / 2, plot.Bottom + 29, small);
                }

                bool firstOfLabel = g == 0 || groups[g - 1].Label != group.Label;
                if (firstOfLabel)
                {
                    int span = groups.Skip(g).TakeWhile(x => x.Label == group.Label).Count();
                    float centre = plot.Left + (g + span / 2f) * groupWidth;
                    canvas.DrawText(group.Label, centre - bold.MeasureText(group.Label) / 2, plot.Bottom + 50, bold);
                    if (g > 0)
                    {
                        canvas.DrawLine(plot.Left + g * groupWidth, plot.Top, plot.Left + g * groupWidth, plot.Bottom + 56, separator);
                    }
                }
            }

            canvas.DrawText("label (bold) and attribute; the black outline marks each label's bias-aligned subgroup", plot.Left, plot.Bottom + 80, small);
            Legend(canvas, plot, series.Select(s => s.Name).ToArray());
        });
    }

    /// <summary>
    /// A grid of images with a caption under each: one row per entry of <paramref name="rows"/>, one
    /// column per entry of <paramref name="columns"/> (its heading on top); images are scaled to
    /// <paramref name="cellSize"/> pixels (nearest pixel) so small network inputs stay readable.
    /// </summary>
    /// <param name="title">The figure's title.</param>
    /// <param name="columns">The column headings.</param>
    /// <param name="rows">Per row, one image and one caption per column.</param>
    /// <param name="path">The PNG file to write; its folder is created.</param>
    /// <param name="cellSize">Side of each image in pixels.</param>
    public static void ImageGrid(string title, IReadOnlyList<string> columns, IReadOnlyList<(IReadOnlyList<RgbImage> Images, IReadOnlyList<string> Captions)> rows, string path, int cellSize = 160)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(path);
        if (columns.Count == 0 || rows.Count == 0)
        {
            throw new ArgumentException($"An image grid needs at least one column and one row; got {columns.Count} and {rows.Count}.", nameof(rows));
        }

        if (rows.FirstOrDefault(r => r.Images.Count != columns.Count || r.Captions.Count != columns.Count) is { Images: not null } wrong)
        {
            throw new ArgumentException($"A row has {wrong.Images.Count} images and {wrong.Captions.Count} captions for {columns.Count} columns.", nameof(rows));
        }

        const int pad = 12, captionHeight = 34, headerHeight = 56;
        int cellWidth = Math.Max(cellSize, 200);
        using var heading = TextPaint(15);
        int width = Math.Max(pad + columns.Count * (cellWidth + pad), 2 * pad + (int)Math.Ceiling(heading.MeasureText(title)));
        int height = headerHeight + rows.Count * (cellSize + captionHeight + pad) + pad;
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var text = TextPaint(12);
            canvas.DrawText(title, pad, 22, heading);
            for (int c = 0; c < columns.Count; c++)
            {
                canvas.DrawText(columns[c], pad + c * (cellWidth + pad), headerHeight - 10, text);
            }

            using var nearest = new SKPaint { FilterQuality = SKFilterQuality.None };
            for (int r = 0; r < rows.Count; r++)
            {
                float top = headerHeight + r * (cellSize + captionHeight + pad);
                for (int c = 0; c < columns.Count; c++)
                {
                    float left = pad + c * (cellWidth + pad);
                    using SKBitmap image = SKBitmap.Decode(rows[r].Images[c].EncodePng());
                    canvas.DrawBitmap(image, new SKRect(left, top, left + cellSize, top + cellSize), nearest);
                    string[] lines = rows[r].Captions[c].Split('\n');
                    for (int l = 0; l < lines.Length && l < 2; l++)
                    {
                        canvas.DrawText(lines[l], left, top + cellSize + 14 + l * 14, text);
                    }
                }
            }
        }

        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteBytes(path, data.AsSpan());
    }

    /// <summary>Draws on a white canvas; the plot area leaves room on the right for the legend.</summary>
    private static void Draw(string path, int width, int height, Action<SKCanvas, SKRect> body)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            body(canvas, new SKRect(70, 50, width - LegendWidth, height - 110));
        }

        using SKData data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.WriteBytes(path, data.AsSpan());
    }

    private static void Axes(SKCanvas canvas, SKRect plot, string title, double min, double max)
    {
        using var axis = new SKPaint { Color = SKColors.Black, StrokeWidth = 1.5f, IsStroke = true, IsAntialias = true };
        using var grid = new SKPaint { Color = new SKColor(220, 220, 220), StrokeWidth = 1, IsStroke = true };
        using var text = TextPaint(12);
        for (int i = 0; i <= 5; i++)
        {
            float y = plot.Bottom - i / 5f * plot.Height;
            canvas.DrawLine(plot.Left, y, plot.Right, y, grid);
            canvas.DrawText((min + (max - min) * i / 5).ToString("0.0", CultureInfo.InvariantCulture), plot.Left - 36, y + 4, text);
        }

        canvas.DrawLine(plot.Left, plot.Top, plot.Left, plot.Bottom, axis);
        canvas.DrawLine(plot.Left, plot.Bottom, plot.Right, plot.Bottom, axis);
        using var heading = TextPaint(15);
        canvas.DrawText(title, plot.Left, plot.Top - 18, heading);
    }

    private static void Line(SKCanvas canvas, SKRect plot, SKPoint[] points, SKColor colour)
    {
        using var stroke = new SKPaint { Color = colour, StrokeWidth = 2.5f, IsStroke = true, IsAntialias = true };
        using var dot = new SKPaint { Color = colour, IsAntialias = true };
        for (int i = 0; i < points.Length; i++)
        {
            if (i > 0)
            {
                canvas.DrawLine(points[i - 1], points[i], stroke);
            }

            canvas.DrawCircle(points[i], 4, dot);
        }
    }

    private const int LegendWidth = 250;

    private static void Legend(SKCanvas canvas, SKRect plot, string[] entries)
    {
        using var text = TextPaint(12);
        float y = plot.Top + 8;
        for (int i = 0; i < entries.Length; i++)
        {
            using var swatch = new SKPaint { Color = Palette[i % Palette.Length] };
            canvas.DrawRect(new SKRect(plot.Right + 16, y + i * 18, plot.Right + 28, y + i * 18 + 12), swatch);
            canvas.DrawText(entries[i], plot.Right + 34, y + i * 18 + 11, text);
        }
    }

    private static SKPaint TextPaint(float size) => new() { Color = SKColors.Black, TextSize = size, IsAntialias = true, Typeface = Font.Value };
}
