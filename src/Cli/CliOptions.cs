using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Ffr.MLNet.Cli;

/// <summary>
/// The kinds of option the tool has, each with its parser: a value outside its range, or a name that is not one of
/// the choices, is a command-line mistake (exit 2) whose message names the option, the value and what it may be.
/// </summary>
internal static class CliOptions
{
    /// <summary>A text that may be left out (no default).</summary>
    public static CliOption<string?> Text(string name, string description, params string[] aliases) => new(name, description, aliases) { Arity = ArgumentArity.ExactlyOne };

    /// <summary>A text with a default.</summary>
    public static CliOption<string> Text(string name, string description, string fallback, params string[] aliases) =>
        new(name, description, aliases) { Arity = ArgumentArity.ExactlyOne, DefaultValueFactory = _ => fallback, DefaultText = fallback };

    /// <summary>A text the command cannot do without.</summary>
    public static CliOption<string> Required(string name, string description, params string[] aliases) =>
        new(name, description, aliases) { Arity = ArgumentArity.ExactlyOne, Required = true };

    /// <summary>A switch: present or not; written twice is a mistake, as for any option.</summary>
    public static CliOption<bool> Flag(string name, string description)
    {
        var option = new CliOption<bool>(name, description, Array.Empty<string>()) { Arity = ArgumentArity.Zero };
        option.Validators.Add(r =>
        {
            if (r.IdentifierTokenCount > 1)
            {
                r.AddError($"Option '{name}' is given more than once; give it once.");
            }
        });
        return option;
    }

    /// <summary>One or more texts, after one option (<c>--image a.png b.png</c>) or repeating it.</summary>
    public static CliOption<string[]> Many(string name, string description, bool required = false) =>
        new(name, description, Array.Empty<string>()) { Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, Required = required };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, with a default.</summary>
    public static CliOption<int> Int(string name, string description, int fallback, int min = int.MinValue, int max = int.MaxValue) =>
        new(name, description, Array.Empty<string>())
        {
            Arity = ArgumentArity.ExactlyOne, DefaultValueFactory = _ => fallback, DefaultText = Invariant(fallback), CustomParser = r => ParseInt(name, r.Tokens[0].Value, min, max, r),
        };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> that may be left out.</summary>
    public static CliOption<int?> OptionalInt(string name, string description, int min, int max, string? defaultText = null) =>
        new(name, description, Array.Empty<string>()) { Arity = ArgumentArity.ExactlyOne, DefaultText = defaultText, CustomParser = r => ParseInt(name, r.Tokens[0].Value, min, max, r) };

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> (both excluded when <paramref name="exclusive"/>), with a default.</summary>
    public static CliOption<double> Number(string name, string description, double fallback, double min, double max, bool exclusive) =>
        new(name, description, Array.Empty<string>())
        {
            Arity = ArgumentArity.ExactlyOne, DefaultValueFactory = _ => fallback, DefaultText = Invariant(fallback), CustomParser = r => ParseDouble(name, r.Tokens[0].Value, min, max, exclusive, r),
        };

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/> (both excluded when <paramref name="exclusive"/>) that may be left out.</summary>
    public static CliOption<double?> OptionalNumber(string name, string description, double min, double max, bool exclusive) =>
        new(name, description, Array.Empty<string>()) { Arity = ArgumentArity.ExactlyOne, CustomParser = r => ParseDouble(name, r.Tokens[0].Value, min, max, exclusive, r) };

    /// <summary>One of <paramref name="names"/> (any case), with a default; the names are the shell's completions.</summary>
    public static CliOption<T> Choice<T>(string name, string description, IReadOnlyDictionary<string, T> names, T fallback, params string[] aliases)
        where T : struct
    {
        var option = new CliOption<T>(name, description, aliases)
        {
            Arity = ArgumentArity.ExactlyOne, DefaultValueFactory = _ => fallback, DefaultText = names.First(p => EqualityComparer<T>.Default.Equals(p.Value, fallback)).Key,
            CustomParser = r => ParseChoice(name, r.Tokens[0].Value, names, r),
        };
        return Completing(option, names.Keys);
    }

    /// <summary>One of <paramref name="names"/> (any case) that the command cannot do without.</summary>
    public static CliOption<T> RequiredChoice<T>(string name, string description, IReadOnlyDictionary<string, T> names, params string[] aliases)
        where T : struct
    {
        var option = new CliOption<T>(name, description, aliases) { Arity = ArgumentArity.ExactlyOne, Required = true, CustomParser = r => ParseChoice(name, r.Tokens[0].Value, names, r) };
        return Completing(option, names.Keys);
    }

    /// <summary>
    /// Several of <paramref name="names"/>, comma- or space-separated (<c>--strategies none,ffr</c>, or <c>none ffr</c>), each once;
    /// an unknown name, or a list that selects nothing, is a mistake.
    /// </summary>
    public static CliOption<T[]> Selection<T>(string name, string description, IReadOnlyDictionary<string, T> names, IReadOnlyList<T> fallback)
    {
        var option = new CliOption<T[]>(name, description, Array.Empty<string>())
        {
            Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => fallback.ToArray(),
            DefaultText = string.Join(",", fallback.Select(v => names.First(p => EqualityComparer<T>.Default.Equals(p.Value, v)).Key)),
            CustomParser = r =>
            {
                string[] values = Split(r).Select(v => v.Trim().ToLowerInvariant()).Where(v => v.Length > 0).Distinct().ToArray();
                if (values.Length == 0)
                {
                    r.AddError($"{name} selects nothing; give one or more of {string.Join(", ", names.Keys)}.");
                    return Array.Empty<T>();
                }

                return values.Select(v => ParseChoice(name, v, names, r)).ToArray();
            },
        };
        return Completing(option, names.Keys);
    }

    /// <summary>Whole numbers from <paramref name="min"/> to <paramref name="max"/>, comma- or space-separated.</summary>
    public static CliOption<int[]> Ints(string name, string description, IReadOnlyList<int> fallback, int min = int.MinValue, int max = int.MaxValue) =>
        new(name, description, Array.Empty<string>())
        {
            Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => fallback.ToArray(), DefaultText = string.Join(",", fallback.Select(v => Invariant(v))),
            CustomParser = r => Split(r).Select(s => ParseInt(name, s, min, max, r)).ToArray(),
        };

    /// <summary>Numbers from <paramref name="min"/> to <paramref name="max"/> (both excluded when <paramref name="exclusive"/>), comma- or space-separated.</summary>
    public static CliOption<double[]> Numbers(string name, string description, IReadOnlyList<double> fallback, double min, double max, bool exclusive) =>
        new(name, description, Array.Empty<string>())
        {
            Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => fallback.ToArray(), DefaultText = string.Join(",", fallback.Select(v => Invariant(v))),
            CustomParser = r => Split(r).Select(s => ParseDouble(name, s, min, max, exclusive, r)).ToArray(),
        };

    /// <summary>
    /// What the shell completes the option's value with (the <c>[suggest]</c> directive): the given names only, in the
    /// tool's spelling (System.CommandLine's own completions of an enum are its member names).
    /// </summary>
    public static CliOption<T> Completing<T>(CliOption<T> option, IEnumerable<string> completions)
    {
        option.CompletionSources.Clear();
        option.CompletionSources.Add(completions.ToArray());
        return option;
    }

    /// <summary>A number as the help and the messages write it (invariant culture).</summary>
    public static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);

    private static IEnumerable<string> Split(ArgumentResult result) => result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries));

    // After the first mistake in a value the option's other values are not looked at: one message per option.
    private static int ParseInt(string name, string s, int min, int max, ArgumentResult result)
    {
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) && v >= min && v <= max)
        {
            return (int)v;
        }

        Fail(result, $"{name} '{s}' is not a whole number from {Invariant(min)} to {Invariant(max)}.");
        return 0;
    }

    private static double ParseDouble(string name, string s, double min, double max, bool exclusive, ArgumentResult result)
    {
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && (exclusive ? v > min && v < max : v >= min && v <= max))
        {
            return v;
        }

        Fail(result, string.Create(CultureInfo.InvariantCulture, $"{name} '{s}' is not a number {(exclusive ? "above" : "from")} {min} {(exclusive ? "and below" : "to")} {max}."));
        return 0;
    }

    private static T ParseChoice<T>(string name, string s, IReadOnlyDictionary<string, T> names, ArgumentResult result)
    {
        if (names.TryGetValue(s.ToLowerInvariant(), out T? value))
        {
            return value;
        }

        Fail(result, $"{name} '{s}' is not one of {string.Join(", ", names.Keys)}.");
        return default!;
    }

    private static void Fail(ArgumentResult result, string message)
    {
        SymbolResult owner = result.Parent as OptionResult ?? (SymbolResult)result;
        if (!owner.Errors.Any())
        {
            result.AddError(message);
        }
    }
}
