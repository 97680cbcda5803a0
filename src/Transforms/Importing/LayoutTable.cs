using System.Text;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Importing;

/// <summary>
/// A dataset's list of images as a table: a header of column names and records with the line each
/// starts on, read from a CSV file or built from another layout's files. The one place that finds a
/// named column or says which columns there are.
/// </summary>
internal sealed class LayoutTable
{
    public LayoutTable(string what, IReadOnlyList<string> header, IReadOnlyList<(int Line, string[] Fields)> records)
    {
        What = what;
        Header = header;
        Records = records;
    }

    /// <summary>The file the lines belong to, for messages: "Waterbirds metadata '/data/metadata.csv'".</summary>
    public string What { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<(int Line, string[] Fields)> Records { get; }

    /// <summary>Reads a CSV file with a header; an empty file, a header named twice, a file without rows and a row of another width are refused.</summary>
    public static LayoutTable ReadCsv(string path, string what)
    {
        List<(int Line, string[] Fields)> records;
        using (var reader = new StreamReader(path, Encoding.UTF8))
        {
            records = Csv.Read(reader).ToList();
        }

        if (records.Count == 0)
        {
            throw new ManifestImportException($"{what} is empty.", null, "Its first line must be the header naming the columns.");
        }

        string[] header = records[0].Fields.Select(h => h.Trim()).ToArray();
        if (header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ManifestImportException($"{what} names the column '{twice.Key}' {twice.Count()} times in its header (line {records[0].Line}).", null, "Rename or remove all but one, so that no value is silently ignored.");
        }

        if (records.Count == 1)
        {
            throw new ManifestImportException($"{what} has a header but no rows.", null, "Give a file with one row per image.");
        }

        foreach ((int line, string[] fields) in records.Skip(1))
        {
            if (fields.Length != header.Length)
            {
                throw new ManifestImportException($"{what} line {line} has {fields.Length} fields; the header has {header.Length}.", null, "Quote fields that contain commas, and give every row a value for every column.");
            }
        }

        return new LayoutTable(what, header, records.Skip(1).ToArray());
    }

    /// <summary>The index of the role's column.</summary>
    /// <exception cref="ManifestImportException">No column has that name; the message lists the columns there are.</exception>
    public int Column(ColumnRole role)
    {
        int index = Header.ToList().IndexOf(role.Column);
        return index >= 0
            ? index
            : throw new ManifestImportException(
                $"Could not find {role.Role} column '{role.Column}' in {What}; its columns are {string.Join(", ", Header.Select(h => $"'{h}'"))}.", role.ColumnSetting, role.ColumnAdvice);
    }
}

/// <summary>
/// One column the importer reads (the image path, the label, the attribute or the split): its name, what
/// its values mean, and how to fix a wrong column or an unknown value, with the setting that does.
/// </summary>
/// <param name="Role">"image path", "label", "attribute" or "split", for messages.</param>
/// <param name="Column">The column's name.</param>
/// <param name="Values">What each value means; null takes values as written (a split then as train, val or test).</param>
/// <param name="ColumnSetting">The setting that names the column; null when the layout fixes it.</param>
/// <param name="ColumnAdvice">How to fix a missing column.</param>
/// <param name="ValueSetting">The setting that maps the values; null when the layout fixes them.</param>
/// <param name="ValueAdvice">How to fix an unknown value.</param>
internal sealed record ColumnRole(string Role, string Column, IReadOnlyDictionary<string, string>? Values, string? ColumnSetting, string ColumnAdvice, string? ValueSetting, string ValueAdvice);
