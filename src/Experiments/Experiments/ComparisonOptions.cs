using Ffr.MLNet.Budgets;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments;

/// <summary>What making a synthetic pool cost, read from its generation log.</summary>
/// <param name="ImagesMade">Images the log records as made.</param>
/// <param name="Seconds">Seconds of the tries that made them, summed.</param>
public sealed record GenerationCost(long ImagesMade, double Seconds)
{
    /// <summary>Mean seconds per image made; 0 when none was.</summary>
    public double SecondsPerImage => ImagesMade == 0 ? 0 : Seconds / ImagesMade;
}

/// <summary>Options of <see cref="Comparison.Run"/>.</summary>
public sealed class ComparisonOptions
{
    /// <summary>The strategy-method pairs to compare, each run with every seed.</summary>
    /// <value>The default value is every strategy with every method (16 pairs).</value>
    public IReadOnlyList<(SyntheticStrategy Strategy, TrainingMethod Method)> Runs { get; set; } = Grid(Enum.GetValues<SyntheticStrategy>(), Enum.GetValues<TrainingMethod>());

    /// <summary>The seeds of the trainings (weights, order, selection).</summary>
    /// <value>The default value is { 0 }.</value>
    public IReadOnlyList<int> Seeds { get; set; } = new[] { 0 };

    /// <summary>
    /// Makes the trainer options of one cell (network, schedule, progress, cancellation, budget); its
    /// strategy, method and seed are then set from the cell. Null trains with the defaults.
    /// </summary>
    /// <value>The default value is null.</value>
    public Func<ExperimentCell, FfrTrainerOptions>? TrainerOptions { get; set; }

    /// <summary>
    /// Wall time allowed for the training; the run stops before a cell that its estimate (the mean of the
    /// cells run so far) would take past it, and reports what finished. Null for no limit.
    /// </summary>
    /// <value>The default value is null.</value>
    public TimeSpan? TimeBudget { get; set; }

    /// <summary>Keep the cells finished by an earlier run in the output folder (false runs every cell again).</summary>
    /// <value>The default value is true.</value>
    public bool Resume { get; set; } = true;

    /// <summary>Bias-conflicting test images per class that the None-ERM model gets wrong, explained with RISE for it and for the recommended model.</summary>
    /// <value>The default value is 2.</value>
    public int ExplainedImagesPerClass { get; set; } = 2;

    /// <summary>The RISE options of those explanations.</summary>
    /// <value>The default value is RISE's defaults (1000 masks).</value>
    public RiseOptions Rise { get; set; } = new();

    /// <summary>What generating the synthetic pool cost (from its generation log), or null when unknown.</summary>
    /// <value>The default value is null.</value>
    public GenerationCost? Generation { get; set; }

    /// <summary>
    /// The bias rate the cells are recorded under in the results file; null takes the highest class bias
    /// rate of the real training rows.
    /// </summary>
    /// <value>The default value is null.</value>
    public double? BiasRate { get; set; }

    /// <summary>The synthetic signature severity the cells are recorded under (0 for data that is not the benchmark dataset).</summary>
    /// <value>The default value is 0.</value>
    public int Severity { get; set; }

    /// <summary>The report's title.</summary>
    /// <value>The default value is "Comparison of strategies and methods".</value>
    public string Title { get; set; } = "Comparison of strategies and methods";

    /// <summary>A paragraph under the title (what the data is, how it was trained); null for none.</summary>
    /// <value>The default value is null.</value>
    public string? Description { get; set; }

    /// <summary>Receives one line per event (a cell done, a strategy skipped, the run stopped); null for none.</summary>
    /// <value>The default value is null.</value>
    public Action<string>? Log { get; set; }

    /// <summary>Every strategy with every method, strategies outermost.</summary>
    public static IReadOnlyList<(SyntheticStrategy Strategy, TrainingMethod Method)> Grid(IEnumerable<SyntheticStrategy> strategies, IEnumerable<TrainingMethod> methods)
    {
        ArgumentNullException.ThrowIfNull(strategies);
        ArgumentNullException.ThrowIfNull(methods);
        TrainingMethod[] m = methods.ToArray();
        return strategies.SelectMany(s => m.Select(x => (s, x))).ToArray();
    }
}
