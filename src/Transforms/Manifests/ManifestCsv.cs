using System.Text;
using Ffr.MLNet.IO;

namespace Ffr.MLNet.Manifests;

/// <summary>A manifest's CSV file read and its layout checked (header, field counts); its rows are validated apart (<see cref="ManifestValidation"/>).</summary>
/// <param name="BaseDirectory">The manifest's folder, which relative paths are resolved against.</param>
/// <param name="ExtraColumns">Columns beyond the five required ones, in file order.</param>
/// <param name="Candidates">One per row, its fields trimmed (extra columns as written).</param>
internal sealed record ManifestCsv(string BaseDirectory, IReadOnlyList<string> ExtraColumns, List<ManifestCandidate> Candidates)
{
    /// <summary>Reads the CSV manifest at <paramref name="manifestPath"/>.</summary>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="IOException">The path is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is empty or has no rows, the header lacks a required column or names one twice, or a row has the wrong number of fields.</exception>
    public static ManifestCsv Read(string manifestPath)
    {
        string full = InputFile.Require(manifestPath, "Manifest", "Pass the path of a CSV file with the header ImagePath,Label,Attribute,Source,Split.");
        string baseDirectory = Path.GetDirectoryName(full)!;
        List<(int Line, string[] Fields)> records;
        using (var reader = new StreamReader(full, Encoding.UTF8))
        {
            records = Csv.Read(reader).ToList();
        }

        if (records.Count == 0)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' is empty; its first line must be the header ImagePath,Label,Attribute,Source,Split.");
        }

        string[] header = records[0].Fields.Select(h => h.Trim()).ToArray();
        foreach (IGrouping<string, int> twice in Enumerable.Range(0, header.Length).GroupBy(i => header[i], StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            throw new InvalidDataException(
                $"Manifest '{manifestPath}' names the column '{twice.Key}' {twice.Count()} times (columns {string.Join(" and ", twice.Select(i => i + 1))} of the header); rename or remove all but one, so that no value is silently ignored.");
        }

        string[] missing = ManifestDefaults.Required.Where(r => !header.Contains(r, StringComparer.Ordinal)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException(
                $"Manifest '{manifestPath}' lacks the column(s) {string.Join(", ", missing)}; its header is '{string.Join(",", header)}'. The header must hold ImagePath,Label,Attribute,Source,Split (names are case-sensitive).");
        }

        if (records.Count == 1)
        {
            throw new InvalidDataException($"Manifest '{manifestPath}' has a header but no rows; add one row per image (ImagePath,Label,Attribute,Source,Split).");
        }

        int Index(string name) => Array.IndexOf(header, name);
        int path = Index(ManifestDefaults.ImagePath), label = Index(ManifestDefaults.Label), attribute = Index(ManifestDefaults.Attribute);
        int source = Index(ManifestDefaults.Source), split = Index(ManifestDefaults.Split);
        string[] extraColumns = header.Where(h => !ManifestDefaults.Required.Contains(h, StringComparer.Ordinal)).ToArray();

        var candidates = new List<ManifestCandidate>();
        foreach ((int line, string[] fields) in records.Skip(1))
        {
            if (fields.Length != header.Length)
            {
                throw new InvalidDataException($"Manifest '{manifestPath}' line {line} has {fields.Length} fields; the header has {header.Length}. Quote fields that contain commas.");
            }

            string relative = fields[path].Trim();
            var extra = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string column in extraColumns)
            {
                extra[column] = fields[Index(column)];
            }

            candidates.Add(new ManifestCandidate(line, relative, fields[label].Trim(), fields[attribute].Trim(), fields[source].Trim(), fields[split].Trim(), extra));
        }

        return new ManifestCsv(baseDirectory, extraColumns, candidates);
    }
}
