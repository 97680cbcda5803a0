using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Microsoft.ML;

namespace Ffr.MLNet.Training;

/// <summary>
/// What Fit trains on, read once from its inputs and checked: the classes (the label's key values), whether images are
/// paths or pixels, the real training rows, the validation rows, and the synthetic pool (null when the strategy uses none).
/// </summary>
internal sealed record TrainingSets(string[] Labels, bool IsPath, List<LabelledImage> Real, List<LabelledImage> Validation, List<LabelledImage>? Pool)
{
    /// <summary>
    /// Reads Fit's <paramref name="input"/>: with <paramref name="validationData"/> null the one-view form (training rows,
    /// pool and validation rows in one IDataView, told apart by Source and Split), else the real training data, with the pool
    /// and the validation data given to the trainer.
    /// </summary>
    public static TrainingSets Read(MLContext mlContext, IDataView input, IDataView? syntheticPool, IDataView? validationData, FfrTrainerOptions options)
    {
        string[] labels = Classes(input.Schema, options);
        bool isPath = TrainingInputs.IsPathColumn(input.Schema, options.ImageColumnName, "training data");
        return validationData is null
            ? ReadOneView(mlContext, input, options, labels, isPath)
            : ReadSeparate(mlContext, input, syntheticPool, validationData, options, labels, isPath);
    }

    /// <summary>
    /// Rows already read and validated (a manifest's): <paramref name="input"/>'s schema gives the classes (the label's key
    /// values) and must hold image paths; a row whose label is not among them stops with its position in its set, as when read.
    /// </summary>
    public static TrainingSets FromRows(DataViewSchema input, IReadOnlyList<ImageRow> real, IReadOnlyList<ImageRow> validation, IReadOnlyList<ImageRow>? syntheticPool, FfrTrainerOptions options)
    {
        string[] labels = Classes(input, options);
        if (!TrainingInputs.IsPathColumn(input, options.ImageColumnName, "training data"))
        {
            throw new ArgumentException($"The image column '{options.ImageColumnName}' holds pixels, and rows are given by path; give the training data as paths.", nameof(input));
        }

        var classes = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        List<LabelledImage> Labelled(IReadOnlyList<ImageRow> rows, string role, DataSplit split) => rows.Select((r, i) => new LabelledImage(
            new ImageRow { ImagePath = r.ImagePath, Label = r.Label, Attribute = r.Attribute, Source = r.Source, Split = split }, // what a read of the IDataView gives
            classes.TryGetValue(r.Label, out int label) ? label : throw new InvalidDataException(ImageRows.UnknownLabelMessage(i, role, options.LabelColumnName)))).ToList();
        return new TrainingSets(labels, IsPath: true, Labelled(real, "training data", DataSplit.Train), Labelled(validation, "validation data", DataSplit.Val),
            PhasePlanner.PoolFor(options.Strategy, syntheticPool) is IReadOnlyList<ImageRow> pool ? Labelled(pool, "synthetic pool", DataSplit.Train) : null);
    }

    /// <summary>The classes: the label column's key values, in key order; at least two.</summary>
    private static string[] Classes(DataViewSchema input, FfrTrainerOptions options)
    {
        string[] labels = TrainingInputs.Labels(input, options.LabelColumnName, "training data");
        if (labels.Length < 2)
        {
            throw new ArgumentException($"Label column '{options.LabelColumnName}' has a single class ('{labels.FirstOrDefault()}'); a classifier needs at least two classes.", "input");
        }

        return labels;
    }

    /// <summary>
    /// The network's input size: <see cref="FfrTrainerOptions.ImageSize"/>, else the first real training image's own size,
    /// which must then be square and within the sizes the networks take.
    /// </summary>
    public int ImageSize(FfrTrainerOptions options)
    {
        if (options.ImageSize is int size)
        {
            return size;
        }

        ImageRow row = Real[0].Row;
        var first = row.LoadImage();
        if (first.Width != first.Height)
        {
            throw new InvalidDataException($"Image '{row.ImagePath}' is {first.Width}x{first.Height}; without ImageSize the images must be square. Set ImageSize to resize them.");
        }

        if (first.Width is < FfrTrainerOptions.MinImageSize or > FfrTrainerOptions.MaxImageSize)
        {
            throw new InvalidDataException(
                $"Image '{row.ImagePath}' is {first.Width}x{first.Height}; without ImageSize the network takes the images' own size, which must be from {FfrTrainerOptions.MinImageSize} to {FfrTrainerOptions.MaxImageSize}. Set ImageSize to resize them.");
        }

        return first.Width;
    }

    /// <summary>The one-view form: one read of <paramref name="input"/>, split into real training rows, validation rows and the pool by Source and Split.</summary>
    private static TrainingSets ReadOneView(MLContext mlContext, IDataView input, FfrTrainerOptions o, string[] labels, bool isPath)
    {
        TrainingInputs.SplitColumn(input.Schema, o.SplitColumnName);
        List<LabelledImage> rows = TrainingInputs.Read(mlContext, input, o, labels, "training data", SampleSource.Real, DataSplit.Train, bySplitColumn: true);
        List<LabelledImage> real = rows.Where(r => r.Row.Split == DataSplit.Train && r.Row.Source == SampleSource.Real).ToList();
        List<LabelledImage> validation = rows.Where(r => r.Row.Split == DataSplit.Val).ToList();
        List<LabelledImage> pool = rows.Where(r => r.Row.Source == SampleSource.Synthetic).ToList();
        if (real.Count == 0)
        {
            throw new ArgumentException($"The training data has no real training rows ({o.SourceColumnName} real, {o.SplitColumnName} train); the real images are what the model is fine-tuned and checked on.", "input");
        }

        if (validation.Count == 0)
        {
            throw new ArgumentException(
                $"The training data has no validation rows ({o.SplitColumnName} val). Model selection by worst-group accuracy needs real validation images of every subgroup: mark some rows val, or pass validation data explicitly with Trainers.Ffr(syntheticPool, validationData, ...).", "input");
        }

        if (o.Strategy.UsesSyntheticPool() && pool.Count == 0)
        {
            throw new ArgumentException(
                $"Strategy {o.Strategy} needs a synthetic pool, and the training data has no synthetic rows ({o.SourceColumnName} synthetic, {o.SplitColumnName} train). Add the pool's rows (ImageManifest.WithSyntheticPool), or use strategy None.", "input");
        }

        return new TrainingSets(labels, isPath, real, validation, PhasePlanner.PoolFor(o.Strategy, pool));
    }

    /// <summary>The separate form: the real training data in Fit's input, the pool and the validation data given to the trainer.</summary>
    private static TrainingSets ReadSeparate(MLContext mlContext, IDataView input, IDataView? syntheticPool, IDataView validationData, FfrTrainerOptions o, string[] labels, bool isPath)
    {
        List<LabelledImage> real = TrainingInputs.Read(mlContext, input, o, labels, "training data", SampleSource.Real, DataSplit.Train);
        List<LabelledImage> validation = TrainingInputs.Read(mlContext, validationData, o, labels, "validation data", SampleSource.Real, DataSplit.Val);
        List<LabelledImage>? pool = PhasePlanner.PoolFor(o.Strategy, syntheticPool) is IDataView used
            ? TrainingInputs.Read(mlContext, used, o, labels, "synthetic pool", SampleSource.Synthetic, DataSplit.Train)
            : null;
        if (isPath != TrainingInputs.IsPathColumn(validationData.Schema, o.ImageColumnName, "validation data"))
        {
            throw new ArgumentException($"The image column '{o.ImageColumnName}' holds paths in one dataset and pixels in another; use the same kind everywhere.");
        }

        return new TrainingSets(labels, isPath, real, validation, pool);
    }
}
