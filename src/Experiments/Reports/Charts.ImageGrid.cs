using Ffr.MLNet.Images;
using Ffr.MLNet.IO;
using SkiaSharp;

namespace Ffr.MLNet.Reports;

public static partial class Charts
{
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
}
