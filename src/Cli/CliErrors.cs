using Ffr.MLNet.Budgets;
using Ffr.MLNet.Importing;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>
/// The one place that turns a failure into what a command-line user reads: one message in the
/// tool's terms (its options, not the libraries' property names) and an exit code. 2: the command
/// line is wrong (an option, a missing input file, an import that an option fixes); 1: the data or the environment is (a damaged
/// file, a short pool, a full disk); 130/143: stopped by Ctrl+C or SIGTERM. No stack trace, unless
/// the environment variable FFR_STACK_TRACE is 1.
/// </summary>
internal static class CliErrors
{
    public const string StackTraceVariable = "FFR_STACK_TRACE";

    public static (int Code, string Message) Describe(Exception ex) => ex switch
    {
        AggregateException { InnerExceptions.Count: 1 } one => Describe(one.InnerExceptions[0]),
        UserErrorException => (CliApp.UserError, ex.Message),
        OperationCanceledException => (CliApp.Cancelled, "stopped. Files written so far are complete, and checkpoints are kept; run the same command again to resume."),
        ManifestValidationException m => (CliApp.Failure,
            ManifestValidationException.Describe(m.What, m.Issues) + Environment.NewLine + "Fix them, or pass --skip-invalid-rows to leave them out (each one is listed as it is now)."),
        ManifestImportException { Setting: string setting } i when Names.ImportAdvice.ContainsKey(setting) => (CliApp.UserError, $"{i.Problem} {Names.ImportAdvice[setting]}"),
        ManifestImportException i => (CliApp.Failure, i.Message),
        SyntheticShortfallException s => (CliApp.Failure, Shortfall(s.Plan)),
        OutOfMemoryException => (CliApp.Failure, "The process ran out of memory. Lower --image-size, or run on a machine with more memory."),
        ArgumentNullException or ObjectDisposedException => Unexpected(ex),
        CheckpointException or InvalidDataException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or FormatException
            => (CliApp.Failure, ex.Message),
        _ => Unexpected(ex),
    };

    /// <summary>A failure that is a bug of ours, not the user's data: said as such, with how to see the stack trace.</summary>
    private static (int Code, string Message) Unexpected(Exception ex) =>
        (CliApp.Failure, $"unexpected error ({ex.GetType().Name}): {ex.Message} Set {StackTraceVariable}=1 to print the stack trace, and report it with the command you ran.");

    /// <summary>The message, and the stack trace when <see cref="StackTraceVariable"/> asks for it.</summary>
    public static string Details(Exception ex, string message) =>
        Environment.GetEnvironmentVariable(StackTraceVariable) == "1" ? message + Environment.NewLine + ex : message;

    /// <summary>Every short subgroup, and the three ways out in CLI options.</summary>
    public static string Shortfall(SyntheticBudgetPlan plan)
    {
        string strategy = Names.Format(plan.Strategy);
        string list = plan.DescribeShortfalls();
        string lower = plan.Strategy is SyntheticStrategy.Asb or SyntheticStrategy.Ffr ? ", lower --images-per-subgroup" : string.Empty;
        return $"The synthetic pool is short for {strategy} in {plan.Shortfalls.Count} subgroup(s): {list}. "
            + $"Generate the missing images ('ffr plan --strategy {strategy}' lists them){lower}, or pass --allow-shortfall to train with what the pool holds.";
    }
}
