using System.Globalization;
using Ffr.MLNet.IO;
using Ffr.MLNet.Naming;

namespace Ffr.MLNet.Experiments;

/// <summary>
/// Experiment results as CSV, one row per cell: the resumable record of a grid (<see cref="ExperimentGrid"/>)
/// that <see cref="ResultsMarkdown"/> and <see cref="ResultsCharts"/> present.
/// </summary>
public static class ResultsCsv
{
    private const string Header = "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds";

    /// <summary>The header with each cell's cost (<see cref="ExperimentCost"/>) after the results; files with the shorter header are read as before.</summary>
    private const string CostHeader = Header + ",trainingSeconds,syntheticImages,peakMemoryBytes";

    /// <summary>
    /// Adds one result to a CSV file, writing the header first when the file is new. The file is
    /// replaced atomically (<see cref="AtomicFile"/>), so a kill or a full disk never leaves a torn
    /// line: the file holds either the results before or the results after.
    /// </summary>
    public static void Append(string path, ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(result);
        string before = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        if (before.Length == 0)
        {
            before = (result.Cost is null ? Header : CostHeader) + "\n";
        }
        else if (!before.EndsWith('\n'))
        {
            before += "\n";
        }

        bool withCost = before.StartsWith(CostHeader + "\n", StringComparison.Ordinal);
        if (withCost && result.Cost is null)
        {
            throw new ArgumentException($"'{path}' records each cell's cost; this result has none.", nameof(result));
        }

        AtomicFile.WriteText(path, before + Line(result, withCost) + "\n");
    }

    /// <summary>Reads the results of a CSV file written by <see cref="Append"/>; an absent file has none.</summary>
    /// <exception cref="InvalidDataException">The file is not a results file, or a field is not a valid value; the message names the file, the line and the column.</exception>
    public static List<ExperimentResult> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var results = new List<ExperimentResult>();
        if (!File.Exists(path))
        {
            return results;
        }

        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            return results;
        }

        if (lines[0] != Header && lines[0] != CostHeader)
        {
            throw new InvalidDataException($"'{path}' is not a results file: its header is '{Shorten(lines[0])}', expected '{Header}'. Use another --out folder or delete the file.");
        }

        string[] columns = lines[0].Split(',');
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            string[] f = lines[i].Split(',');
            if (f.Length != columns.Length)
            {
                throw new InvalidDataException($"'{path}' line {i + 1} has {f.Length} fields; expected {columns.Length}. Delete the line to recompute that cell.");
            }

            var field = new FieldReader(path, i + 1, columns, f);
            var cell = new ExperimentCell(field.Double(0, 0, 1), field.Int(1, 0), field.Name(2, Spelling.Strategies), field.Name(3, Spelling.Methods), field.Int(4, int.MinValue));
            results.Add(new ExperimentResult(cell, field.Double(5, 0, 1), field.Double(6, 0, 1), field.Double(7, 0, 1), field.Double(8, 0, 1), field.Double(9, 0, double.MaxValue))
            {
                Cost = columns.Length > 10 ? new ExperimentCost(field.Double(10, 0, double.MaxValue), field.Long(11), field.Long(12)) : null,
            });
        }

        return results;
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";

    /// <summary>Parses the fields of one results line; a bad field is named by file, line and column.</summary>
    private readonly struct FieldReader(string path, int line, string[] columns, string[] fields)
    {
        public double Double(int index, double min, double max)
        {
            string text = fields[index];
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= min && value <= max
                ? value
                : throw Bad(index, max == double.MaxValue ? $"a number of at least {min}" : $"a number from {min} to {max}");
        }

        public long Long(int index) =>
            long.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out long value) && value >= 0
                ? value
                : throw Bad(index, "a whole number of at least 0");

        public int Int(int index, int min) =>
            int.TryParse(fields[index], NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= min
                ? value
                : throw Bad(index, min == int.MinValue ? "a whole number" : $"a whole number of at least {min}");

        public TEnum Name<TEnum>(int index, NameTable<TEnum> names)
            where TEnum : struct, Enum =>
            names.TryParse(fields[index], out TEnum value) ? value : throw Bad(index, "one of " + string.Join(", ", names.Tokens));

        private InvalidDataException Bad(int index, string expected) =>
            new($"'{path}' line {line}, column '{columns[index]}': '{Shorten(fields[index])}' is not {expected}. Fix the value, or delete the line to recompute that cell.");
    }

    private static string Line(ExperimentResult r, bool withCost) => string.Join(',', Fields(r).Concat(withCost ? CostFields(r.Cost!) : Array.Empty<string>()));

    private static IEnumerable<string> CostFields(ExperimentCost c) => new[]
    {
        c.TrainingSeconds.ToString("0.0", CultureInfo.InvariantCulture), c.SyntheticImages.ToString(CultureInfo.InvariantCulture), c.PeakMemoryBytes.ToString(CultureInfo.InvariantCulture),
    };

    private static IEnumerable<string> Fields(ExperimentResult r) => new[]
    {
        r.Cell.BiasRate.ToString("R", CultureInfo.InvariantCulture),
        r.Cell.Severity.ToString(CultureInfo.InvariantCulture),
        Spelling.Strategies.Token(r.Cell.Strategy),
        Spelling.Methods.Token(r.Cell.Method),
        r.Cell.Seed.ToString(CultureInfo.InvariantCulture),
        r.WorstGroupAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.BalancedAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.Accuracy.ToString("R", CultureInfo.InvariantCulture),
        r.ValidationWorstGroupAccuracy.ToString("R", CultureInfo.InvariantCulture),
        r.Seconds.ToString("0.0", CultureInfo.InvariantCulture),
    };
}
