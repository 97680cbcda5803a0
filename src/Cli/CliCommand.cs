using System.CommandLine;
using Microsoft.ML;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Where a command writes, whether the output is a terminal (progress bars) or redirected (plain lines),
/// and the command's private folder for ML.NET's temporary files (deleted when the command ends).
/// </summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, bool Interactive, CancellationToken Cancellation, string? TemporaryFiles = null)
{
    /// <summary>The seed of every command's MLContext, and the default of every --seed.</summary>
    public const int Seed = 0;

    /// <summary>The MLContext every command uses: seed <see cref="Seed"/>, temporary files in the command's private folder.</summary>
    public MLContext NewMLContext()
    {
        var ml = new MLContext(seed: Seed);
        if (TemporaryFiles is string folder)
        {
            ml.TempFilePath = folder;
        }

        return ml;
    }
}

/// <summary>A subcommand of the ffr tool: its options (declared by each command as System.CommandLine options), its summary, and what it runs.</summary>
internal abstract class CliCommand : Command
{
    protected CliCommand(string name, string summary)
        : base(name, summary)
    {
    }

    /// <summary>One line on what the command does (its description, shown by 'ffr --help' and first in its own help).</summary>
    public string Summary => Description ?? string.Empty;

    /// <summary>Whether the command watches the cancellation token and stops after its current step (otherwise Ctrl+C and SIGTERM end it at once).</summary>
    public virtual bool StopsAfterStep => false;

    /// <summary>Runs the command on its parsed, already checked options; returns the exit code.</summary>
    public abstract int Run(ParseResult args, CliContext context);

    /// <summary>Adds a group of options shared by several commands, in their order.</summary>
    protected void Add(IEnumerable<Option> options)
    {
        foreach (Option option in options)
        {
            Add(option);
        }
    }
}
