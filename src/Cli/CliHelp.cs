using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace Ffr.MLNet.Cli;

/// <summary>
/// --help (and -h): the tool's usage, or a command's summary and every option with its short alias, its default or
/// "(required)". It runs instead of the command, whatever else the line holds.
/// </summary>
internal sealed class CliHelp : SynchronousCommandLineAction
{
    private const int NameWidth = 34;

    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        Command command = parseResult.CommandResult.Command;
        parseResult.InvocationConfiguration.Output.WriteLine(command is CliCommand cli ? Of(cli) : CliApp.Usage(parseResult.RootCommandResult.Command));
        return 0;
    }

    /// <summary>A command's help: "ffr NAME: summary", then one line per option.</summary>
    public static string Of(CliCommand command)
    {
        var lines = new List<string> { $"ffr {command.Name}: {command.Summary}", string.Empty, "Options:" };
        foreach (Option option in command.Options.Where(o => !o.Hidden && o is not HelpOption))
        {
            string names = string.Join(", ", option.Aliases.Order(StringComparer.Ordinal).Append(option.Name));
            string value = option.Arity.MaximumNumberOfValues == 0 ? string.Empty : option.AllowMultipleArgumentsPerToken ? " <value>..." : " <value>";
            string tail = option.Required ? " (required)" : option is ICliOption { DefaultText: string d } ? $" (default: {d})" : string.Empty;
            string left = $"  {names}{value}";
            lines.Add((left.Length < NameWidth ? left.PadRight(NameWidth) : left + " ") + option.Description + tail);
        }

        lines.Add("  -h, --help".PadRight(NameWidth) + "Show this help.");
        return string.Join(Environment.NewLine, lines);
    }
}
