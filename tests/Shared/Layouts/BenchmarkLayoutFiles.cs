using System.Globalization;
using System.Text;
using SkiaSharp;

namespace Ffr.MLNet.Tests;

/// <summary>
/// Tiny copies of the group-robustness benchmarks' published layouts, written by the tests themselves
/// (no download): Waterbirds' metadata.csv beside its bird folders, and CelebA's attribute and
/// partition lists beside img_align_celeba/, with small JPEG images.
/// </summary>
internal static class BenchmarkLayoutFiles
{
    /// <summary>Waterbirds' header, as published.</summary>
    public const string WaterbirdsHeader = "img_id,img_filename,y,split,place,place_filename";

    /// <summary>
    /// One Waterbirds row per (y, split, place): in train, 6 bias-aligned images per class (landbirds on
    /// land, waterbirds on water) and 2 conflicting; in val and test, 2 per subgroup. 32 images; metadata
    /// lines run from 2 in this order.
    /// </summary>
    public static IReadOnlyList<(string File, int Y, int Split, int Place)> WaterbirdsRows()
    {
        var rows = new List<(string, int, int, int)>();
        foreach (int split in new[] { 0, 1, 2 })
        {
            foreach (int y in new[] { 0, 1 })
            {
                foreach (int place in new[] { 0, 1 })
                {
                    int count = split == 0 ? (y == place ? 6 : 2) : 2;
                    for (int i = 0; i < count; i++)
                    {
                        string species = y == 0 ? "001.Song_Sparrow" : "002.Mallard";
                        rows.Add(($"{species}/{species[4..]}_{split}{place}{i}.jpg", y, split, place));
                    }
                }
            }
        }

        return rows;
    }

    /// <summary>Writes metadata.csv (and, unless <paramref name="images"/> is false, the images) into <paramref name="root"/>; returns the metadata path.</summary>
    public static string Waterbirds(string root, IReadOnlyList<(string File, int Y, int Split, int Place)> rows, bool images = true)
    {
        var csv = new StringBuilder(WaterbirdsHeader + "\n");
        for (int i = 0; i < rows.Count; i++)
        {
            (string file, int y, int split, int place) = rows[i];
            string background = place == 0 ? "b/bamboo_forest/00000001.jpg" : "o/ocean/00000001.jpg";
            csv.Append(CultureInfo.InvariantCulture, $"{i + 1},{file},{y},{split},{place},{background}\n");
            if (images)
            {
                Jpeg(Path.Combine(root, file), (byte)(y * 200), 90, (byte)(place * 200));
            }
        }

        return Text(Path.Combine(root, "metadata.csv"), csv.ToString());
    }

    /// <summary>The attribute names of the small CelebA lists (the real file has 40; the format takes any).</summary>
    public static readonly string[] CelebAAttributes = { "5_o_Clock_Shadow", "Bald", "Blond_Hair", "Male", "Young" };

    /// <summary>
    /// One CelebA image per (partition, blond, male), twice in train for the aligned subgroups (blond women,
    /// dark-haired men) and once otherwise: 14 images, attribute lines from 3 in this order.
    /// </summary>
    public static IReadOnlyList<(string File, bool Blond, bool Male, int Partition)> CelebARows()
    {
        var rows = new List<(string, bool, bool, int)>();
        int n = 0;
        foreach (int partition in new[] { 0, 1, 2 })
        {
            foreach (bool blond in new[] { false, true })
            {
                foreach (bool male in new[] { false, true })
                {
                    int count = partition == 0 && blond != male ? 2 : 1;
                    for (int i = 0; i < count; i++)
                    {
                        rows.Add(($"{++n:000000}.jpg", blond, male, partition));
                    }
                }
            }
        }

        return rows;
    }

    /// <summary>Writes list_attr_celeba.txt, list_eval_partition.txt and (unless <paramref name="images"/> is false) img_align_celeba/ into <paramref name="root"/>, spaced as the published files are.</summary>
    public static void CelebA(string root, IReadOnlyList<(string File, bool Blond, bool Male, int Partition)> rows, bool images = true)
    {
        static string Value(bool on) => on ? " 1" : "-1";
        var attributes = new StringBuilder($"{rows.Count}\n{string.Join(" ", CelebAAttributes)} \n");
        var partitions = new StringBuilder();
        foreach ((string file, bool blond, bool male, int partition) in rows)
        {
            // The published list pads with spaces: "000001.jpg -1  1  1 -1  1" (two spaces before a 1).
            attributes.Append(file).Append(' ').Append(string.Join(" ", new[] { false, false, blond, male, true }.Select(Value))).Append('\n');
            partitions.Append(CultureInfo.InvariantCulture, $"{file} {partition}\n");
            if (images)
            {
                Jpeg(Path.Combine(root, "img_align_celeba", file), (byte)(blond ? 230 : 60), 120, (byte)(male ? 200 : 40));
            }
        }

        Text(Path.Combine(root, "list_attr_celeba.txt"), attributes.ToString());
        Text(Path.Combine(root, "list_eval_partition.txt"), partitions.ToString());
    }

    /// <summary>Writes a JPEG whose every pixel is about (r, g, b), as the benchmarks' photographs are stored.</summary>
    public static string Jpeg(string path, byte r, byte g, byte b, int size = 8)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(size, size);
        bitmap.Erase(new SKColor(r, g, b));
        using SKData data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }

    public static string Text(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }
}
