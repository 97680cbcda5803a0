using System.Globalization;

namespace Ffr.MLNet.Cli;

/// <summary>A mistake of the user's: printed as one message, exit code 2, no stack trace.</summary>
internal sealed class UserErrorException : Exception
{
    public UserErrorException(string message)
        : base(message)
    {
    }
}

/// <summary>One option of a command.</summary>
internal sealed record OptionSpec(string Name, string Help, bool IsFlag = false, bool Required = false, bool Many = false, string? Default = null);

/// <summary>Parsed <c>--name value</c> options and <c>--flag</c>s, checked against a command's options.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, List<string>> _values;

    private Arguments(Dictionary<string, List<string>> values) => _values = values;

    public static Arguments Parse(string command, IReadOnlyList<string> args, IReadOnlyList<OptionSpec> specs)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UserErrorException($"Unexpected argument '{arg}' for 'ffr {command}'. Options start with --; see 'ffr {command} --help'.");
            }

            string name = arg[2..];
            OptionSpec spec = specs.FirstOrDefault(s => s.Name == name)
                ?? throw new UserErrorException($"Unknown option '--{name}' for 'ffr {command}'. See 'ffr {command} --help'.");
            if (!spec.Many && values.ContainsKey(name))
            {
                throw new UserErrorException($"Option '--{name}' is given more than once; give it once.");
            }

            List<string> list = values.TryGetValue(name, out List<string>? existing) ? existing : values[name] = new List<string>();
            if (spec.IsFlag)
            {
                list.Add("true");
                continue;
            }

            int start = i + 1;
            while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal) && (spec.Many || i + 1 == start))
            {
                list.Add(args[++i]);
            }

            if (list.Count == 0)
            {
                throw new UserErrorException($"Option '--{name}' needs a value. See 'ffr {command} --help'.");
            }
        }

        foreach (OptionSpec spec in specs.Where(s => s.Required && !values.ContainsKey(s.Name)))
        {
            throw new UserErrorException($"'ffr {command}' needs --{spec.Name}: {spec.Help}");
        }

        return new Arguments(values);
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Value(string name) => _values.TryGetValue(name, out List<string>? v) ? v[^1] : null;

    public string Required(string name) => Value(name) ?? throw new UserErrorException($"--{name} is required.");

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out List<string>? v) ? v : Array.Empty<string>();

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>; the range is said when the value is outside it.</summary>
    public int Int(string name, int fallback, int min = int.MinValue, int max = int.MaxValue) => Value(name) is string s ? ParseInt(name, s, min, max) : fallback;

    public int? IntOrNull(string name, int min = int.MinValue, int max = int.MaxValue) => Value(name) is string s ? ParseInt(name, s, min, max) : null;

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> (both excluded when <paramref name="exclusive"/>).</summary>
    public double Double(string name, double fallback, double min, double max, bool exclusive = false) => Value(name) is string s ? ParseDouble(name, s, min, max, exclusive) : fallback;

    public IReadOnlyList<double> Doubles(string name, IReadOnlyList<double> fallback, double min, double max, bool exclusive = false) =>
        Values(name) is { Count: > 0 } v ? v.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(s => ParseDouble(name, s, min, max, exclusive)).ToArray() : fallback;

    public IReadOnlyList<int> Ints(string name, IReadOnlyList<int> fallback, int min = int.MinValue, int max = int.MaxValue) =>
        Values(name) is { Count: > 0 } v ? v.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).Select(s => ParseInt(name, s, min, max)).ToArray() : fallback;

    public TEnum Enum<TEnum>(string name, TEnum fallback, IReadOnlyDictionary<string, TEnum> names)
        where TEnum : struct
    {
        string? s = Value(name);
        if (s is null)
        {
            return fallback;
        }

        return names.TryGetValue(s.ToLowerInvariant(), out TEnum value)
            ? value
            : throw new UserErrorException($"--{name} '{s}' is not one of {string.Join(", ", names.Keys)}.");
    }

    private static int ParseInt(string name, string s, int min, int max) =>
        long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max
            ? (int)v
            : throw new UserErrorException($"--{name} '{s}' is not a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");

    private static double ParseDouble(string name, string s, double min, double max, bool exclusive) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && (exclusive ? v > min && v < max : v >= min && v <= max)
            ? v
            : throw new UserErrorException(string.Create(CultureInfo.InvariantCulture,
                $"--{name} '{s}' is not a number {(exclusive ? "above" : "from")} {min} {(exclusive ? "and below" : "to")} {max}."));
}
