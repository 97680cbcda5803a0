namespace Ffr.MLNet.Manifests;

/// <summary>What is wrong with a manifest row.</summary>
public enum ManifestIssueKind
{
    /// <summary>The image file does not exist.</summary>
    MissingFile,

    /// <summary>The file exists but is not a decodable image, or is truncated.</summary>
    UnreadableImage,

    /// <summary>The file is empty, or the image has no pixels.</summary>
    ZeroSizeImage,

    /// <summary>A grayscale image among RGB ones.</summary>
    GrayscaleImage,

    /// <summary>A <c>Source</c> other than real or synthetic.</summary>
    UnknownSource,

    /// <summary>A <c>Split</c> other than train, val or test (or a synthetic row outside train).</summary>
    UnknownSplit,

    /// <summary>An empty ImagePath, Label or Attribute.</summary>
    MissingValue,

    /// <summary>A synthetic row whose label or attribute no real row has.</summary>
    UnknownSubgroupValue,
}

/// <summary>One problem found on load.</summary>
/// <param name="Line">The CSV line (1 = header), or 0 for an image found by folder.</param>
/// <param name="ImagePath">The image's path as written.</param>
/// <param name="Kind">What is wrong.</param>
/// <param name="Message">A sentence saying what is wrong and how to fix it.</param>
public sealed record ManifestIssue(int Line, string ImagePath, ManifestIssueKind Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"line {Line}: {Message}" : Message;
}

/// <summary>Thrown when a manifest has invalid rows and skipping them was not asked for; carries every problem.</summary>
public sealed class ManifestValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ManifestValidationException(string source, IReadOnlyList<ManifestIssue> issues)
        : base($"{source} has {issues.Count} invalid row(s):{Environment.NewLine}{string.Join(Environment.NewLine, issues.Select(i => "  " + i))}{Environment.NewLine}Fix them, or load with SkipInvalidRows = true to leave them out (their count and paths are reported).")
    {
        Issues = issues;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ManifestIssue> Issues { get; }
}
