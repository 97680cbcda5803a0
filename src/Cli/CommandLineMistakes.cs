using System.CommandLine;
using System.CommandLine.Parsing;

namespace Ffr.MLNet.Cli;

/// <summary>
/// A command line that does not parse, said in the tool's words: the first mistake in the order of the line (a missing
/// required option last), naming the option and how to fix it. Each mistake is told by what the parse found (which option,
/// how many values, which tokens nothing took), never by System.CommandLine's message text; a bad value's message is the
/// one the option's parser wrote (<see cref="CliOptions"/>).
/// </summary>
internal static class CommandLineMistakes
{
    public static string Describe(ParseResult parsed, CliCommand command)
    {
        var found = new List<(int Position, string Message)>();
        foreach (ParseError error in parsed.Errors)
        {
            switch (error.SymbolResult)
            {
                case OptionResult { Implicit: true, Option.Required: true } missing:
                    found.Add((int.MaxValue, $"'ffr {command.Name}' needs {missing.Option.Name}: {missing.Option.Description}"));
                    break;
                case OptionResult option:
                    found.Add((Position(parsed, option.IdentifierToken), Option(option, command) ?? error.Message));
                    break;
                case CommandResult:
                    break; // tokens that no option took: below, one by one
                default:
                    found.Add((-1, error.Message)); // before any symbol, such as a response file that cannot be read
                    break;
            }
        }

        foreach (string token in parsed.UnmatchedTokens)
        {
            found.Add((Position(parsed, token), token.StartsWith('-')
                ? $"Unknown option '{token.Split('=', ':')[0]}' for 'ffr {command.Name}'. See 'ffr {command.Name} --help'."
                : $"Unexpected argument '{token}' for 'ffr {command.Name}'. Options start with --; see 'ffr {command.Name} --help'."));
        }

        return found.Count == 0 ? parsed.Errors[0].Message : found.MinBy(f => f.Position).Message;
    }

    /// <summary>A mistake before any command: an unknown command, or what the parse said.</summary>
    public static string DescribeRoot(ParseResult parsed, Command root) =>
        parsed.UnmatchedTokens.Count > 0
            ? $"ffr: unknown command '{parsed.UnmatchedTokens[0]}'. Commands: {string.Join(", ", root.Subcommands.OfType<CliCommand>().Select(c => c.Name))}. See 'ffr --help'."
            : $"ffr: {parsed.Errors[0].Message} See 'ffr --help'.";

    /// <summary>An option's mistake that the parser, not the option's value, found: given twice, or given without its value.</summary>
    private static string? Option(OptionResult result, CliCommand command)
    {
        if (result.IdentifierTokenCount > 1 && result.Option.Arity.MaximumNumberOfValues <= 1)
        {
            return $"Option '{result.Option.Name}' is given more than once; give it once.";
        }

        return result.Tokens.Count < result.Option.Arity.MinimumNumberOfValues
            ? $"Option '{result.Option.Name}' needs a value. See 'ffr {command.Name} --help'."
            : null;
    }

    private static int Position(ParseResult parsed, Token? token)
    {
        for (int i = 0; i < parsed.Tokens.Count; i++)
        {
            if (ReferenceEquals(parsed.Tokens[i], token))
            {
                return i;
            }
        }

        return int.MaxValue - 1;
    }

    private static int Position(ParseResult parsed, string unmatched)
    {
        for (int i = 0; i < parsed.Tokens.Count; i++)
        {
            if (parsed.Tokens[i].Value == unmatched && parsed.Tokens[i].Type == TokenType.Argument)
            {
                return i;
            }
        }

        return int.MaxValue - 1;
    }
}
