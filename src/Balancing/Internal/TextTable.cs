using System.Text;

namespace Ffr.MLNet;

/// <summary>Formats rows as an aligned plain-text table (for console output and reports).</summary>
internal static class TextTable
{
    public static string Format(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyCollection<int>? rightAligned = null)
    {
        List<IReadOnlyList<string>> all = rows.ToList();
        var widths = new int[header.Count];
        for (int c = 0; c < header.Count; c++)
        {
            widths[c] = Math.Max(header[c].Length, all.Count == 0 ? 0 : all.Max(r => r[c].Length));
        }

        var sb = new StringBuilder();
        void Line(IReadOnlyList<string> cells)
        {
            for (int c = 0; c < cells.Count; c++)
            {
                if (c > 0)
                {
                    sb.Append("  ");
                }

                bool right = rightAligned?.Contains(c) == true;
                sb.Append(right ? cells[c].PadLeft(widths[c]) : c == cells.Count - 1 ? cells[c] : cells[c].PadRight(widths[c]));
            }

            sb.AppendLine();
        }

        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        foreach (IReadOnlyList<string> row in all)
        {
            Line(row);
        }

        return sb.ToString().TrimEnd('\r', '\n');
    }
}
