namespace Ffr.MLNet.Batching;

/// <summary>Options of <see cref="ImageBatcher"/>.</summary>
public sealed class ImageBatcherOptions
{
    /// <summary>Images per batch.</summary>
    /// <value>The default value is 64.</value>
    public int BatchSize { get; set; } = ImageBatcherDefaults.BatchSize;

    /// <summary>
    /// Side of the square network input; images of another size are stretched to it with
    /// <see cref="Images.RgbImage.ResizeFill"/> (as ML.NET's ResizeImages with Fill: nearest pixel, aspect ratio not kept).
    /// </summary>
    /// <value>The default value is null: no resizing, and every image must have the first image's size.</value>
    public int? ImageSize { get; set; }

    /// <summary>Per-channel (R, G, B) mean subtracted after scaling to [0, 1].</summary>
    /// <value>The default value is ImageNet's mean, 0.485, 0.456, 0.406 (as the reference code).</value>
    public float[] Mean { get; set; } = (float[])ImageBatcherDefaults.Mean.Clone();

    /// <summary>Per-channel (R, G, B) standard deviation divided by after the mean is subtracted.</summary>
    /// <value>The default value is ImageNet's, 0.229, 0.224, 0.225.</value>
    public float[] Std { get; set; } = (float[])ImageBatcherDefaults.Std.Clone();

    /// <summary>Visit rows in a new seeded random order every epoch.</summary>
    /// <value>The default value is true.</value>
    public bool Shuffle { get; set; } = true;

    /// <summary>Mirror each image left-right with probability 0.5 (seeded per epoch and position).</summary>
    /// <value>The default value is false.</value>
    public bool HorizontalFlip { get; set; }

    /// <summary>Seed of the order and of the flips.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>Batches decoded ahead on a background task; 0 decodes on the caller's thread.</summary>
    /// <value>The default value is 3.</value>
    public int PrefetchBatches { get; set; } = ImageBatcherDefaults.PrefetchBatches;

    /// <summary>Images decoded at once within a batch.</summary>
    /// <value>The default value is the number of processors.</value>
    public int DecodeParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Leave out the last batch when it is smaller than <see cref="BatchSize"/>.</summary>
    /// <value>The default value is false.</value>
    public bool DropLast { get; set; }
}

/// <summary>Defaults of <see cref="ImageBatcherOptions"/>.</summary>
internal static class ImageBatcherDefaults
{
    public const int BatchSize = 64;
    public const int PrefetchBatches = 3;
    public static readonly float[] Mean = { 0.485f, 0.456f, 0.406f };
    public static readonly float[] Std = { 0.229f, 0.224f, 0.225f };
}
