using System.Text;

namespace Ffr.MLNet.Manifests;

/// <summary>RFC 4180 CSV: comma-separated, double-quoted fields with "" for a quote, quoted line breaks.</summary>
internal static class Csv
{
    /// <summary>Reads records with the line number each starts on (1-based).</summary>
    public static IEnumerable<(int Line, string[] Fields)> Read(TextReader reader)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, startLine = 1;
        bool quoted = false, any = false;
        int c;
        while ((c = reader.Read()) != -1)
        {
            char ch = (char)c;
            any = true;
            if (quoted)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (ch == '\n')
                    {
                        line++;
                    }

                    field.Append(ch);
                }
            }
            else if (ch == '"' && field.Length == 0)
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (ch == '\r' || ch == '\n')
            {
                if (ch == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(field.ToString());
                field.Clear();
                if (!(fields.Count == 1 && fields[0].Length == 0))
                {
                    yield return (startLine, fields.ToArray());
                }

                fields.Clear();
                line++;
                startLine = line;
                any = false;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (any)
        {
            fields.Add(field.ToString());
            if (!(fields.Count == 1 && fields[0].Length == 0))
            {
                yield return (startLine, fields.ToArray());
            }
        }
    }

    /// <summary>One record, quoting fields that need it.</summary>
    public static string Format(IEnumerable<string> fields) =>
        string.Join(",", fields.Select(f => f.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + f.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : f));
}
