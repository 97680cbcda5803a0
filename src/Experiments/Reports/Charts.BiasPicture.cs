using System.Globalization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Subgroups;
using SkiaSharp;

namespace Ffr.MLNet.Reports;

public static partial class Charts
{
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
}
