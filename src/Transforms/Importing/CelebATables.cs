using System.Globalization;

namespace Ffr.MLNet.Importing;

/// <summary>
/// CelebA's two lists read into one table: the image's file name, its 40 attribute values and its
/// partition. <c>list_attr_celeba.txt</c>: the image count, the attribute names, then
/// <c>file v1 ... v40</c> separated by any whitespace; <c>list_eval_partition.txt</c>: <c>file partition</c>.
/// </summary>
internal static class CelebATables
{
    public const string ImageColumn = "image";
    public const string PartitionColumn = "partition";

    private const string Damaged = "The file is damaged or truncated; download CelebA's lists again.";

    /// <summary>The table: <see cref="ImageColumn"/>, the attributes in file order, <see cref="PartitionColumn"/>; records carry the attribute list's lines.</summary>
    public static LayoutTable Read(string attributesPath, string partitionPath, out string partitionColumn)
    {
        string what = $"CelebA attribute list '{attributesPath}'";
        Dictionary<string, string> partitions = Partitions(partitionPath);
        string[]? names = null;
        int declared = -1;
        var records = new List<(int Line, string[] Fields)>();
        int line = 0;
        foreach (string text in File.ReadLines(attributesPath))
        {
            line++;
            string[] fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (declared < 0)
            {
                declared = fields.Length == 1 && int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
                    ? count
                    : throw new ManifestImportException($"{what} line {line} is '{Shorten(text)}'; the first line must be the number of images.", null, Damaged);
                continue;
            }

            if (names is null)
            {
                names = fields;
                if (names.Any(n => n is ImageColumn or PartitionColumn) || names.Distinct(StringComparer.Ordinal).Count() != names.Length)
                {
                    throw new ManifestImportException($"{what} line {line} names an attribute twice, or one called '{ImageColumn}' or '{PartitionColumn}'.", null, Damaged);
                }

                continue;
            }

            if (fields.Length != names.Length + 1)
            {
                throw new ManifestImportException($"{what} line {line} has {fields.Length - 1} attribute values for '{fields[0]}'; line 2 names {names.Length} attributes.", null, Damaged);
            }

            string partition = partitions.TryGetValue(fields[0], out string? p)
                ? p
                : throw new ManifestImportException($"'{fields[0]}' ({what} line {line}) has no line in CelebA partition list '{partitionPath}'.", null, "The two lists come from different downloads, or one is truncated; download CelebA's lists again.");
            records.Add((line, fields.Append(partition).ToArray()));
        }

        if (names is null || records.Count == 0)
        {
            throw new ManifestImportException($"{what} lists no images{(names is null ? " (it needs the image count, the attribute names, then one line per image)" : string.Empty)}.", null, Damaged);
        }

        if (records.Count != declared)
        {
            throw new ManifestImportException($"{what} says on line 1 that it lists {declared} images, but it lists {records.Count}.", null, Damaged);
        }

        partitionColumn = PartitionColumn;
        return new LayoutTable(what, names.Prepend(ImageColumn).Append(PartitionColumn).ToArray(), records);
    }

    /// <summary>File name to partition (0, 1 or 2), each value and name checked on its own line.</summary>
    private static Dictionary<string, string> Partitions(string path)
    {
        string what = $"CelebA partition list '{path}'";
        var partitions = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            string[] fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }

            if (fields.Length != 2 || !ImportDefaults.NumberedSplits.ContainsKey(fields[1]))
            {
                throw new ManifestImportException($"{what} line {line} is '{Shorten(text)}'; each line must be an image's file name and its partition, 0 (train), 1 (val) or 2 (test).", null, Damaged);
            }

            if (lines.TryGetValue(fields[0], out int first))
            {
                throw new ManifestImportException($"{what} lists '{fields[0]}' twice, on lines {first} and {line}.", null, Damaged);
            }

            lines[fields[0]] = line;
            partitions[fields[0]] = fields[1];
        }

        return partitions;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "...";
}
