using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;

namespace Ffr.MLNet.Composition;

/// <summary>
/// The synthetic-augmenting loader: composes the training rows of a strategy from the real training
/// rows and a synthetic pool, with the budget of <see cref="SyntheticBudgetPlan"/>. Which synthetic
/// images are used is deterministic for a seed and independent of the pool's row order (each
/// subgroup's pool images are sorted by path, then shuffled with the seed).
/// </summary>
public static class TrainingSetComposer
{
    /// <summary>Composes the training rows of <paramref name="strategy"/>.</summary>
    /// <exception cref="ArgumentException">A strategy that needs a pool got none or an empty one; synthetic labels or attributes the real data lacks.</exception>
    /// <exception cref="InvalidOperationException">The pool is short and shortfalls are not allowed.</exception>
    public static ComposedTrainingSet Compose(DataOperationsCatalog data, IReadOnlyList<ImageRow> realTrain, IReadOnlyList<ImageRow>? pool, SyntheticStrategy strategy, TrainingSetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(realTrain);
        options ??= new TrainingSetOptions();
        if (strategy.UsesSyntheticPool() && (pool is null || pool.Count == 0))
        {
            throw new ArgumentException($"Strategy {strategy} needs a synthetic pool, and {(pool is null ? "none was given" : "the pool is empty")}. Pass the synthetic images, or use strategy None.", nameof(pool));
        }

        SubgroupReport realReport = data.AnalyzeSubgroups(ImageManifest.FromRows(realTrain).ToDataView());
        SubgroupReport? poolReport = pool is null || pool.Count == 0 ? null : data.AnalyzeSubgroups(ImageManifest.FromRows(pool).ToDataView());
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(realReport, strategy, new SyntheticBudgetOptions
        {
            ImagesPerSubgroup = strategy is SyntheticStrategy.Asb or SyntheticStrategy.Ffr ? options.ImagesPerSubgroup : null,
            Pool = poolReport,
            AllowShortfall = options.AllowShortfall,
        });

        var synthetic = new List<ImageRow>();
        if (pool is not null && strategy.UsesSyntheticPool())
        {
            var bySubgroup = pool.GroupBy(r => new SubgroupKey(r.Label, r.Attribute)).ToDictionary(g => g.Key, g => g.OrderBy(r => r.ImagePath, StringComparer.Ordinal).ToArray());
            foreach (SubgroupBudget budget in plan.Subgroups)
            {
                if (budget.Planned == 0)
                {
                    continue;
                }

                ImageRow[] candidates = bySubgroup[budget.Key].ToArray();
                new Random(StableSeed.Combine(options.Seed, StableSeed.Of(budget.Label), StableSeed.Of(budget.Attribute))).Shuffle(candidates);
                synthetic.AddRange(candidates.Take((int)budget.Planned).Select(r => r with { Source = SampleSource.Synthetic, Split = DataSplit.Train }));
            }
        }

        IReadOnlyList<ImageRow> rows = strategy switch
        {
            SyntheticStrategy.None => realTrain.ToArray(),
            SyntheticStrategy.Ffr => synthetic,
            _ => realTrain.Concat(synthetic).ToArray(),
        };
        return new ComposedTrainingSet(strategy, plan, rows, synthetic);
    }
}
