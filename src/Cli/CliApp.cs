using Ffr.MLNet.IO;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Where a command writes, whether the output is a terminal (progress bars) or redirected (plain lines),
/// and the command's private folder for ML.NET's temporary files (deleted when the command ends).
/// </summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Cancellation, string? TemporaryFiles = null)
{
    /// <summary>The MLContext every command uses: seed 0, temporary files in the command's private folder.</summary>
    public MLContext NewMLContext()
    {
        var ml = new MLContext(seed: 0);
        if (TemporaryFiles is string folder)
        {
            ml.TempFilePath = folder;
        }

        return ml;
    }
}

/// <summary>A subcommand: its options, its help, and what it runs.</summary>
internal abstract class Command
{
    public abstract string Name { get; }

    public abstract string Summary { get; }

    public abstract IReadOnlyList<OptionSpec> Options { get; }

    public abstract int Run(Arguments args, CliContext context);

    /// <summary>Whether the command watches the cancellation token and stops after its current step (otherwise Ctrl+C and SIGTERM end it at once).</summary>
    public virtual bool StopsAfterStep => false;

    public string Help()
    {
        var lines = new List<string> { $"ffr {Name}: {Summary}", string.Empty, "Options:" };
        foreach (OptionSpec o in Options)
        {
            string value = o.IsFlag ? string.Empty : o.Many ? " <value>..." : " <value>";
            string tail = o.Required ? " (required)" : o.Default is string d ? $" (default: {d})" : string.Empty;
            lines.Add($"  --{o.Name}{value}".PadRight(32) + o.Help + tail);
        }

        lines.Add("  --help".PadRight(32) + "Show this help.");
        return string.Join(Environment.NewLine, lines);
    }
}

/// <summary>The ffr tool: finds the subcommand, parses its options, runs it, turns user errors into one message and an exit code.</summary>
internal static class CliApp
{
    public const int UserError = 2;
    public const int Failure = 1;
    public const int Cancelled = 130;
    public const int Terminated = 143;

    public static IReadOnlyList<Command> Commands { get; } = new Command[]
    {
        new ImportCommand(), new AnalyzeCommand(), new PlanCommand(), new GenerateCommand(), new TrainCommand(), new EvaluateCommand(), new ExportCommand(),
        new ExplainCommand(), new BenchmarkDataCommand(), new CompareCommand(), new DemoCommand(), new ReproduceCommand(), new ResultsCommand(),
    };

    public static int Run(string[] args, CliContext context)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            context.Out.WriteLine(Usage());
            return args.Length == 0 ? UserError : 0;
        }

        if (args[0] is "--version")
        {
            context.Out.WriteLine(Version);
            return 0;
        }

        Command? command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            context.Error.WriteLine($"ffr: unknown command '{args[0]}'. Commands: {string.Join(", ", Commands.Select(c => c.Name))}. See 'ffr --help'.");
            return UserError;
        }

        if (args.Skip(1).Any(a => a is "--help" or "-h"))
        {
            context.Out.WriteLine(command.Help());
            return 0;
        }

        TemporaryFolder? temporaryFiles = null;
        try
        {
            Arguments parsed = Arguments.Parse(command.Name, args.Skip(1).ToArray(), command.Options);
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

    /// <summary>
    /// True while a command runs that stops cleanly after its current step when cancelled (training,
    /// generation); the signal handlers let any other command end at once, as it has nothing to finish.
    /// </summary>
    public static volatile bool StopsAfterStep;

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

    /// <summary>The tool's version: the package version set once in Directory.Build.props, without the build metadata after '+'.</summary>
    public static string Version { get; } =
        (typeof(CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown").Split('+')[0];

    public static string Usage() => string.Join(Environment.NewLine, new[]
    {
        "ffr: From Fake to Real for ML.NET. Measure subgroup bias, plan synthetic images, train with FFR or a baseline, evaluate by worst-group accuracy.",
        string.Empty,
        "Usage: ffr <command> [options]      ffr <command> --help      ffr --version",
        string.Empty,
        "Commands:",
    }.Concat(Commands.Select(c => "  " + c.Name.PadRight(16) + c.Summary)));
}
