using System.Globalization;
using Ffr.MLNet.IO;
using SkiaSharp;

namespace Ffr.MLNet.Reports;

// What every chart shares: the palette, the typeface, the canvas, axes, lines and legend.
public static partial class Charts
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
