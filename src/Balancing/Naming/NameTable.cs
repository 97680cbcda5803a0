namespace Ffr.MLNet.Naming;

/// <summary>
/// How the values of one enum are spelled: a display name for people (tables, charts, summaries) and a
/// lower-case token for machines and typing (command-line options, CSV files, JSON plans), parsed back
/// in any case. <see cref="Spelling"/> holds the tables of the strategies and the training methods.
/// </summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class NameTable<TEnum>
    where TEnum : struct, Enum
{
    private readonly Dictionary<TEnum, (string Display, string Token)> _names;
    private readonly Dictionary<string, TEnum> _byToken;

    internal NameTable(params (TEnum Value, string Display, string Token)[] rows)
    {
        _names = rows.ToDictionary(r => r.Value, r => (r.Display, r.Token));
        TEnum[] missing = Enum.GetValues<TEnum>().Where(v => !_names.ContainsKey(v)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidOperationException($"The names of {typeof(TEnum).Name} lack {string.Join(", ", missing)}.");
        }

        Tokens = rows.Select(r => r.Token).ToArray();
        _byToken = rows.ToDictionary(r => r.Token, r => r.Value, StringComparer.Ordinal);
    }

    /// <summary>Every token, in the table's order: "none", "usb", "asb", "ffr".</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The values by their tokens, in the table's order (lower-case keys, compared ordinally).</summary>
    public IReadOnlyDictionary<string, TEnum> ByToken => _byToken;

    /// <summary>The name people read: "FFR", "GroupDRO".</summary>
    public string Display(TEnum value) => Row(value).Display;

    /// <summary>The name typed on a command line and written in CSV and JSON files: "ffr", "groupdro".</summary>
    public string Token(TEnum value) => Row(value).Token;

    /// <summary>Reads a token in any case, ignoring surrounding white space.</summary>
    /// <returns>False when <paramref name="text"/> is no token of the table.</returns>
    public bool TryParse(string? text, out TEnum value)
    {
        value = default;
        return text is not null && _byToken.TryGetValue(text.Trim().ToLowerInvariant(), out value);
    }

    private (string Display, string Token) Row(TEnum value) =>
        _names.TryGetValue(value, out var row) ? row : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(TEnum).Name}.");
}
