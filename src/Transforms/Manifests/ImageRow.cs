using Ffr.MLNet.Images;

namespace Ffr.MLNet.Manifests;

/// <summary>Whether an image is a real photograph or a generated one.</summary>
public enum SampleSource
{
    /// <summary>A real image (manifest value <c>real</c>).</summary>
    Real,

    /// <summary>A generated image (manifest value <c>synthetic</c>).</summary>
    Synthetic,
}

/// <summary>Which part of the data an image belongs to.</summary>
public enum DataSplit
{
    /// <summary>Training (manifest value <c>train</c>); every synthetic image is a training image.</summary>
    Train,

    /// <summary>Validation (manifest value <c>val</c>): model selection by worst-group accuracy; must contain every subgroup.</summary>
    Val,

    /// <summary>Test (manifest value <c>test</c>): equal-sized subgroups, never used for selection.</summary>
    Test,
}

/// <summary>
/// One image with its class label, spurious attribute, source and split: a row of a manifest.
/// The pixels come from <see cref="ImagePath"/>, or from <see cref="Image"/> when the image is in memory.
/// </summary>
public sealed record ImageRow
{
    /// <summary>Full path of the image file; for an in-memory image, a name to report it by.</summary>
    public required string ImagePath { get; init; }

    /// <summary>The class label.</summary>
    public required string Label { get; init; }

    /// <summary>The spurious attribute value.</summary>
    public required string Attribute { get; init; }

    /// <summary>Real or synthetic.</summary>
    public SampleSource Source { get; init; }

    /// <summary>Train, val or test.</summary>
    public DataSplit Split { get; init; }

    /// <summary>The pixels, when the image is held in memory; null when it is read from <see cref="ImagePath"/>.</summary>
    public RgbImage? Image { get; init; }

    /// <summary>The manifest line the row was read from (1 is the header); 0 for a row not read from a manifest file.</summary>
    public int Line { get; init; }

    /// <summary>Extra manifest columns, kept as they were.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = EmptyExtra;

    internal static readonly IReadOnlyDictionary<string, string> EmptyExtra = new Dictionary<string, string>();

    /// <summary>The pixels: <see cref="Image"/>, or the file decoded.</summary>
    public RgbImage LoadImage() => Image ?? RgbImage.Load(ImagePath);

    /// <summary>The manifest spelling of a source: real or synthetic.</summary>
    public static string Format(SampleSource source) => source == SampleSource.Real ? "real" : "synthetic";

    /// <summary>Reads a manifest source (real or synthetic, any case, trimmed); null for anything else.</summary>
    public static SampleSource? ParseSource(ReadOnlySpan<char> value) =>
        value.Trim().Equals("real", StringComparison.OrdinalIgnoreCase) ? SampleSource.Real
        : value.Trim().Equals("synthetic", StringComparison.OrdinalIgnoreCase) ? SampleSource.Synthetic
        : null;

    /// <summary>Reads a manifest split (train, val or test, any case, trimmed); null for anything else.</summary>
    public static DataSplit? ParseSplit(ReadOnlySpan<char> value) =>
        value.Trim().Equals("train", StringComparison.OrdinalIgnoreCase) ? DataSplit.Train
        : value.Trim().Equals("val", StringComparison.OrdinalIgnoreCase) ? DataSplit.Val
        : value.Trim().Equals("test", StringComparison.OrdinalIgnoreCase) ? DataSplit.Test
        : null;

    /// <summary>The manifest spelling of a split: train, val or test.</summary>
    public static string Format(DataSplit split) => split switch { DataSplit.Train => "train", DataSplit.Val => "val", _ => "test" };
}
