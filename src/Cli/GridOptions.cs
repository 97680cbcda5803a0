using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>--strategies and --methods of the grids (compare, reproduce): every strategy and every method unless narrowed.</summary>
internal static class Grid
{
    public static CliOption<SyntheticStrategy[]> Strategies(string description) =>
        CliOptions.Selection("--strategies", description, Names.Strategies, Names.Strategies.Values.ToArray());

    public static CliOption<TrainingMethod[]> Methods() => CliOptions.Selection("--methods", "Methods.", Names.Methods, Names.Methods.Values.ToArray());
}
