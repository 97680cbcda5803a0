using Ffr.MLNet.Budgets;
using Ffr.MLNet.Composition;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Training;

/// <summary>What one phase trains on and how.</summary>
/// <remarks><paramref name="Features"/>: the rows' cached penultimate features when the backbone is frozen (the head trains on them); null: the images.</remarks>
internal sealed record PhasePlan(string Name, int Index, PhaseOptions Schedule, TrainingData Data, TrainingMethod Method, bool FreezeBatchNorm, NetworkInputs? Features = null);

/// <summary>
/// The one home of what a strategy and a method train: which pool is read (<see cref="PoolFor"/>), the composed training
/// set, and the phases. FFR pretrains on its synthetic set with ERM, then fine-tunes on the real rows with the method;
/// None, USB and ASB train once on their set, USB and ASB with each subgroup's real and synthetic rows as two groups.
/// DFR trains its phases with ERM and retrains the last layer afterwards.
/// </summary>
internal static class PhasePlanner
{
    /// <summary>The pool the strategy trains with: <paramref name="pool"/>, or null when the strategy uses none (None leaves a given pool unread).</summary>
    public static T? PoolFor<T>(SyntheticStrategy strategy, T? pool)
        where T : class => strategy.UsesSyntheticPool() ? pool : null;

    /// <summary>Composes the strategy's training set from <paramref name="sets"/> (synthetic images chosen with <paramref name="seed"/>) and plans its phases.</summary>
    public static (ComposedTrainingSet Composed, List<PhasePlan> Phases) Plan(DataOperationsCatalog data, FfrTrainerOptions options, int seed, TrainingSets sets, GroupIndex groups)
    {
        var composeOptions = new TrainingSetOptions { ImagesPerSubgroup = options.ImagesPerSubgroup, AllowShortfall = options.AllowPoolShortfall, Seed = seed };
        IReadOnlyList<ImageRow> realRows = sets.Real.Select(r => r.Row).ToArray();
        ComposedTrainingSet composed = TrainingSetComposer.Compose(data, realRows, sets.Pool?.Select(r => r.Row).ToArray(), options.Strategy, composeOptions);
        TrainingMethod phaseMethod = options.Method == TrainingMethod.Dfr ? TrainingMethod.Erm : options.Method;
        if (options.Strategy == SyntheticStrategy.Ffr)
        {
            return (composed, new List<PhasePlan>
            {
                new PhasePlan("pretraining", 0, options.Pretraining, groups.Data(composed.Rows, bySource: false), TrainingMethod.Erm, FreezeBatchNorm: false),
                new PhasePlan("fine-tuning", 1, options.FineTuning, groups.Data(realRows, bySource: false), phaseMethod, options.FreezeBatchNorm),
            });
        }

        bool sourceGroups = options.Strategy is SyntheticStrategy.Usb or SyntheticStrategy.Asb;
        return (composed, new List<PhasePlan> { new PhasePlan("training", 0, options.Training, groups.Data(composed.Rows, sourceGroups), phaseMethod, options.FreezeBatchNorm) });
    }
}
