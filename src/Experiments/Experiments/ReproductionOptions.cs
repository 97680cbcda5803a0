using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet.Experiments;

/// <summary>Options of <see cref="Reproduction.Run"/>: the grid over the benchmark dataset and how each cell is trained.</summary>
public sealed class ReproductionOptions
{
    /// <summary>The benchmark dataset's bias rates.</summary>
    /// <value>The default value is { 0.95, 0.99, 0.999 }.</value>
    public IReadOnlyList<double> BiasRates { get; set; } = new[] { 0.95, 0.99, 0.999 };

    /// <summary>The synthetic signature's severities (0 = none).</summary>
    /// <value>The default value is { 3 }.</value>
    public IReadOnlyList<int> Severities { get; set; } = new[] { 3 };

    /// <summary>The seeds of the datasets and the trainings.</summary>
    /// <value>The default value is { 0, 1, 2 }.</value>
    public IReadOnlyList<int> Seeds { get; set; } = new[] { 0, 1, 2 };

    /// <summary>The strategies.</summary>
    /// <value>The default value is every strategy.</value>
    public IReadOnlyList<SyntheticStrategy> Strategies { get; set; } = Enum.GetValues<SyntheticStrategy>();

    /// <summary>The training methods.</summary>
    /// <value>The default value is every method.</value>
    public IReadOnlyList<TrainingMethod> Methods { get; set; } = Enum.GetValues<TrainingMethod>();

    /// <summary>Bias-aligned training images per class of each dataset (smaller is faster).</summary>
    /// <value>The default value is 1000.</value>
    public int MajorityPerClass { get; set; } = 1000;

    /// <summary>Side in pixels the benchmark dataset's images are rendered at.</summary>
    /// <value>The default value is 32.</value>
    public int RenderSize { get; set; } = 32;

    /// <summary>Makes the MLContext of each dataset's runner (its seed, temporary folder, GPU).</summary>
    /// <value>The default value is null: <c>new MLContext(seed: 0)</c>.</value>
    public Func<MLContext>? NewContext { get; set; }

    /// <summary>
    /// Makes the trainer options of one cell (network, schedule, progress, cancellation), given the cell and its
    /// progress label ("[3/24] r=0.99 s=3 seed=0 FFR-ERM"); its strategy, method and seed are then set from the
    /// cell. Null trains with the defaults.
    /// </summary>
    /// <value>The default value is null.</value>
    public Func<ExperimentCell, string, FfrTrainerOptions>? TrainerOptions { get; set; }

    /// <summary>Receives one line per finished cell; null for none.</summary>
    /// <value>The default value is null.</value>
    public Action<string>? Log { get; set; }
}
