using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Ffr.MLNet.IO;

namespace Ffr.MLNet.Cli;

/// <summary>
/// The ffr tool on System.CommandLine: the subcommands under one root, <c>--help</c> (each command's, with defaults),
/// <c>--version</c>, <c>--name value</c> and <c>--name=value</c>, response files (<c>@file</c>) and the <c>[suggest]</c>
/// directive for shell completion. A command-line mistake is one message and exit code 2; a command's failure is
/// turned into one message and its exit code by <see cref="CliErrors"/>.
/// </summary>
internal static class CliApp
{
    public const int UserError = 2;
    public const int Failure = 1;
    public const int Cancelled = 130;
    public const int Terminated = 143;

    /// <summary>The subcommands, in the order of 'ffr --help'; new ones each call (System.CommandLine symbols belong to one tree).</summary>
    public static IReadOnlyList<CliCommand> CreateCommands() => new CliCommand[]
    {
        new ImportCommand(), new AnalyzeCommand(), new PlanCommand(), new GenerateCommand(), new TrainCommand(), new EvaluateCommand(), new ExportCommand(),
        new ExplainCommand(), new BenchmarkDataCommand(), new CompareCommand(), new DemoCommand(), new ReproduceCommand(), new ResultsCommand(),
    };

    public static int Run(string[] args, CliContext context)
    {
        RootCommand root = Root(context);
        ParseResult parsed = root.Parse(args, Parsing);
        if (parsed.Errors.Count > 0)
        {
            context.Error.WriteLine(parsed.CommandResult.Command is CliCommand command
                ? $"ffr {command.Name}: {CommandLineMistakes.Describe(parsed, command)}"
                : CommandLineMistakes.DescribeRoot(parsed, root));
            return UserError;
        }

        return parsed.Invoke(new InvocationConfiguration
        {
            Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        });
    }

    /// <summary>Response files (<c>@FILE</c>) as System.CommandLine reads them, a missing one said as the tool says any missing input.</summary>
    private static readonly ParserConfiguration Parsing = ResponseFiles(new ParserConfiguration());

    private static ParserConfiguration ResponseFiles(ParserConfiguration configuration)
    {
        TryReplaceToken read = configuration.ResponseFileTokenReplacer ?? throw new InvalidOperationException("System.CommandLine reads no response files.");
        configuration.ResponseFileTokenReplacer = (string path, out IReadOnlyList<string>? tokens, out string? error) =>
        {
            try
            {
                InputFile.Require(path, "Response file", "Write the command's arguments into it (any number a line; # starts a comment), and pass it as @FILE.");
            }
            catch (IOException ex)
            {
                (tokens, error) = (null, ex.Message);
                return false;
            }

            return read(path, out tokens, out error);
        };
        return configuration;
    }

    /// <summary>
    /// True while a command runs that stops cleanly after its current step when cancelled (training,
    /// generation); the signal handlers let any other command end at once, as it has nothing to finish.
    /// </summary>
    public static volatile bool StopsAfterStep;

    /// <summary>The tool's version: the package version set once in Directory.Build.props, without the build metadata after '+'.</summary>
    public static string Version { get; } =
        (typeof(CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown").Split('+')[0];

    /// <summary>What 'ffr --help' prints: the tool, how to call it, and every command with its summary.</summary>
    public static string Usage(Command root) => string.Join(Environment.NewLine, new[]
    {
        "ffr: From Fake to Real for ML.NET. Measure subgroup bias, plan synthetic images, train with FFR or a baseline, evaluate by worst-group accuracy.",
        string.Empty,
        "Usage: ffr <command> [options]      ffr <command> --help      ffr --version",
        "Options are --name value or --name=value; ffr @FILE reads more arguments from FILE (one or more a line, # starts a comment).",
        "Shell completion: ffr [suggest:POSITION] \"ffr COMMAND LINE\" lists what may come at POSITION (dotnet-suggest asks it so).",
        string.Empty,
        "Commands:",
    }.Concat(root.Subcommands.OfType<CliCommand>().Select(c => "  " + c.Name.PadRight(16) + c.Summary)));

    private static RootCommand Root(CliContext context)
    {
        var root = new RootCommand("ffr: From Fake to Real for ML.NET.");
        if (root.Name != "ffr")
        {
            root.Aliases.Add("ffr"); // a [suggest] line starts with the tool's name, whatever the host (dotnet run, a test)
        }

        foreach (Option option in root.Options)
        {
            option.Action = option switch
            {
                HelpOption => new CliHelp(),
                VersionOption => new PrintVersion(),
                _ => option.Action,
            };
        }

        root.SetAction(_ =>
        {
            context.Out.WriteLine(Usage(root));
            return UserError;
        });
        foreach (CliCommand command in CreateCommands())
        {
            command.SetAction(parsed => Execute(command, parsed, context));
            root.Add(command);
        }

        // 'ffr help', as 'ffr --help'.
        var help = new Command("help") { Hidden = true };
        help.SetAction(_ => context.Out.WriteLine(Usage(root)));
        root.Add(help);
        return root;
    }

    /// <summary>Runs a parsed command in its own temporary folder; a failure is one message and an exit code.</summary>
    private static int Execute(CliCommand command, ParseResult parsed, CliContext context)
    {
        TemporaryFolder? temporaryFiles = null;
        try
        {
            temporaryFiles = TemporaryFiles();
            StopsAfterStep = command.StopsAfterStep;
            return command.Run(parsed, context with { TemporaryFiles = temporaryFiles.Path });
        }
        catch (Exception ex)
        {
            (int code, string message) = CliErrors.Describe(ex);
            context.Error.WriteLine(CliErrors.Details(ex, $"ffr {command.Name}: {message}"));
            return code;
        }
        finally
        {
            StopsAfterStep = false;
            temporaryFiles?.Dispose();
        }
    }

    private static TemporaryFolder TemporaryFiles()
    {
        try
        {
            return TemporaryFolder.Create();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"The temporary folder '{Path.GetTempPath()}' cannot be used ({ex.Message}). Set TMPDIR to a writable folder.", ex);
        }
    }

    /// <summary>--version: the package version alone (System.CommandLine's own adds the commit after '+').</summary>
    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return 0;
        }
    }
}
