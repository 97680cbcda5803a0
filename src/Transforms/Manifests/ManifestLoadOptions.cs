namespace Ffr.MLNet.Manifests;

/// <summary>How a manifest or an image folder is loaded and validated.</summary>
public sealed class ManifestLoadOptions
{
    /// <summary>Leave invalid rows out (reported in <see cref="ImageManifest.Skipped"/>) instead of failing.</summary>
    /// <value>The default value is false: any invalid row stops the load with the full list.</value>
    public bool SkipInvalidRows { get; set; } = ManifestDefaults.SkipInvalidRows;

    /// <summary>Decode every image to find unreadable, empty and grayscale images (in parallel).</summary>
    /// <value>The default value is true. False checks only that the files exist and are not empty.</value>
    public bool VerifyImages { get; set; } = ManifestDefaults.VerifyImages;

    /// <summary>
    /// Treat grayscale images among RGB ones as invalid rows (the paper discards grayscale generations).
    /// When false they are kept and listed in <see cref="ImageManifest.Warnings"/>.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool FilterGrayscale { get; set; } = ManifestDefaults.FilterGrayscale;

    /// <summary>
    /// Megabytes of decoded pixels (3 bytes a pixel, each image at its own size, before any resizing) that
    /// <see cref="VerifyImages"/> keeps of the train and val rows, so that each image is decoded once: an
    /// <c>ExperimentRunner</c> over the manifest hands them to the trainer, whose batchers take each kept image instead of
    /// decoding its file again, and forgets what the fit did not take. Images beyond the budget are decoded again when read,
    /// as without it. The budget is this manifest's: a synthetic pool loaded apart keeps up to its own.
    /// </summary>
    /// <value>The default value is 0: none are kept. The <c>ffr train</c> command keeps up to its <c>--image-cache-mb</c>.</value>
    public int KeepDecodedMegabytes { get; set; } = ManifestDefaults.KeepDecodedMegabytes;
}

/// <summary>Defaults of <see cref="ManifestLoadOptions"/>, and the manifest's column names.</summary>
internal static class ManifestDefaults
{
    public const bool SkipInvalidRows = false;
    public const bool VerifyImages = true;
    public const bool FilterGrayscale = false;
    public const int KeepDecodedMegabytes = 0;

    public const string ImagePath = "ImagePath";
    public const string Label = "Label";
    public const string Attribute = "Attribute";
    public const string Source = "Source";
    public const string Split = "Split";

    public static readonly string[] Required = { ImagePath, Label, Attribute, Source, Split };

    public static readonly string[] ImageExtensions = { ".png", ".jpg", ".jpeg", ".bmp", ".webp" };
}
