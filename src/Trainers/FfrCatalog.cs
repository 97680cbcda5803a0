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
        return Ffr(catalog, syntheticPool, validationData, new FfrTrainerOptions
        {
            LabelColumnName = labelColumnName,
            AttributeColumnName = attributeColumnName,
            ImageColumnName = imageColumnName,
            Strategy = strategy,
            Method = method,
        });
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
        return new FfrImageClassificationTrainer(MLNetInternals.Settings(catalog), syntheticPool, validationData, options);
    }
}
