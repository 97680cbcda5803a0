using System.CommandLine;

namespace Ffr.MLNet.Cli;

/// <summary>What the help says of an option beyond System.CommandLine's own.</summary>
internal interface ICliOption
{
    /// <summary>The default as help shows it; null when the option has none (absent means "not given").</summary>
    string? DefaultText { get; }
}

/// <summary>A System.CommandLine option that also says, for the help, what its default is.</summary>
internal sealed class CliOption<T> : Option<T>, ICliOption
{
    public CliOption(string name, string description, string[] aliases)
        : base(name, aliases)
    {
        Description = description;
    }

    /// <inheritdoc/>
    public string? DefaultText { get; init; }
}

/// <summary>Extensions for reading what the command line said.</summary>
internal static class ParseResultExtensions
{
    /// <summary>Whether <paramref name="option"/> was written on the command line (not merely given its default).</summary>
    public static bool Given(this ParseResult args, Option option) => args.GetResult(option) is { Implicit: false };

    /// <summary>The value of an option that parsing made sure is there (required, or with a default).</summary>
    public static T Value<T>(this ParseResult args, Option<T> option) => args.GetValue(option) ?? throw new InvalidOperationException($"{option.Name} has no value.");
}
