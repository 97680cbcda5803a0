using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;
using Microsoft.ML;

namespace Ffr.MLNet;

/// <summary>The FFR trainer on ML.NET's catalog: <c>mlContext.MulticlassClassification.Trainers.Ffr(...)</c>.</summary>
public static class FfrCatalog
{
    /// <summary>
    /// An image classifier trained the From-Fake-to-Real way (default) or with a baseline strategy,
    /// on the real training data passed to Fit, with <paramref name="syntheticPool"/> and
    /// model selection on <paramref name="validationData"/> (which must hold every subgroup).
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="syntheticPool">Synthetic images (same columns); null only for strategy None.</param>
    /// <param name="validationData">Real validation images with every subgroup.</param>
    /// <param name="labelColumnName">The label column (Key).</param>
    /// <param name="attributeColumnName">The spurious attribute column.</param>
    /// <param name="imageColumnName">The image column: a path (Text) or planar RGB pixels (vector of Single).</param>
    /// <param name="strategy">None, USB, ASB or FFR.</param>
    /// <param name="method">ERM, Resample, GroupDRO or DFR.</param>
    public static FfrImageClassificationTrainer Ffr(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        IDataView? syntheticPool, IDataView validationData,
        string labelColumnName = FfrTrainerDefaults.LabelColumnName,
        string attributeColumnName = FfrTrainerDefaults.AttributeColumnName,
        string imageColumnName = FfrTrainerDefaults.ImageColumnName,
        SyntheticStrategy strategy = SyntheticStrategy.Ffr,
        TrainingMethod method = TrainingMethod.Erm)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Ffr(catalog, syntheticPool, validationData, SimpleOptions(labelColumnName, attributeColumnName, imageColumnName, strategy, method));
    }

    /// <summary>The FFR trainer with all its options.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="syntheticPool">Synthetic images (same columns); null only for strategy None.</param>
    /// <param name="validationData">Real validation images with every subgroup.</param>
    /// <param name="options">Strategy, method, network, schedules, seed, checkpoints, progress, cancellation.</param>
    public static FfrImageClassificationTrainer Ffr(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        IDataView? syntheticPool, IDataView validationData, FfrTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(validationData);
        return new FfrImageClassificationTrainer(MLNetInternals.Settings(catalog), syntheticPool, validationData, options);
    }

    /// <summary>
    /// The FFR trainer in its one-view form, for one <c>EstimatorChain</c>: Fit takes one IDataView
    /// holding the real training rows, the synthetic pool and the validation rows, told apart by the text columns
    /// <c>Source</c> (real or synthetic) and <c>Split</c> (train, val or test; test rows are ignored), as
    /// <c>mlContext.Data.LoadImageManifest</c> gives them. Every transform before the trainer applies to every row.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The label column (Key).</param>
    /// <param name="attributeColumnName">The spurious attribute column.</param>
    /// <param name="imageColumnName">The image column: a path (Text) or planar RGB pixels (vector of Single).</param>
    /// <param name="strategy">None, USB, ASB or FFR.</param>
    /// <param name="method">ERM, Resample, GroupDRO or DFR.</param>
    public static FfrImageClassificationTrainer Ffr(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = FfrTrainerDefaults.LabelColumnName,
        string attributeColumnName = FfrTrainerDefaults.AttributeColumnName,
        string imageColumnName = FfrTrainerDefaults.ImageColumnName,
        SyntheticStrategy strategy = SyntheticStrategy.Ffr,
        TrainingMethod method = TrainingMethod.Erm)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return Ffr(catalog, SimpleOptions(labelColumnName, attributeColumnName, imageColumnName, strategy, method));
    }

    /// <summary>The one-view FFR trainer with all its options (<see cref="FfrTrainerOptions.SourceColumnName"/> and <see cref="FfrTrainerOptions.SplitColumnName"/> name the columns).</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Strategy, method, network, schedules, seed, columns, checkpoints, progress, cancellation.</param>
    public static FfrImageClassificationTrainer Ffr(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, FfrTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new FfrImageClassificationTrainer(MLNetInternals.Settings(catalog), syntheticPool: null, validationData: null, options);
    }

    /// <summary>The options of the overloads that take the columns, strategy and method directly.</summary>
    private static FfrTrainerOptions SimpleOptions(string labelColumnName, string attributeColumnName, string imageColumnName, SyntheticStrategy strategy, TrainingMethod method) => new()
    {
        LabelColumnName = labelColumnName,
        AttributeColumnName = attributeColumnName,
        ImageColumnName = imageColumnName,
        Strategy = strategy,
        Method = method,
    };
}
