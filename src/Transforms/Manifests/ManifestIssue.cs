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

    /// <summary>A path that leads outside the manifest's folder (through <c>..</c> or an absolute path): read, but worth knowing.</summary>
    OutsideManifestFolder,
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

    /// <summary>
    /// One sentence for notices of one kind (rows kept but worth knowing about), with up to ten of them
    /// and their lines; the caller adds how to act on it in its user's terms.
    /// </summary>
    public static string Summarize(ManifestIssueKind kind, IReadOnlyList<ManifestIssue> notices)
    {
        ArgumentNullException.ThrowIfNull(notices);
        string examples = string.Join(", ", notices.Take(10).Select(n => n.Line > 0 ? $"'{n.ImagePath}' (line {n.Line})" : $"'{n.ImagePath}'")) + (notices.Count > 10 ? ", ..." : string.Empty);
        return kind switch
        {
            ManifestIssueKind.GrayscaleImage => $"{notices.Count} grayscale image(s) among RGB ones were kept: {examples}.",
            ManifestIssueKind.OutsideManifestFolder => $"{notices.Count} image path(s) lead outside the manifest's folder: {examples}. They are read, but the manifest stops working when its folder is moved or copied alone; keep images under the manifest's folder to avoid that.",
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Only grayscale images and paths outside the manifest's folder are kept with a notice."),
        };
    }
}

/// <summary>Thrown when a manifest has invalid rows and skipping them was not asked for; carries every problem.</summary>
public sealed class ManifestValidationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ManifestValidationException(string source, IReadOnlyList<ManifestIssue> issues)
        : base($"{Describe(source, issues)}{Environment.NewLine}Fix them, or load with SkipInvalidRows = true to leave them out (their count and paths are reported).")
    {
        What = source;
        Issues = issues;
    }

    /// <summary>What was loaded: "Manifest 'path'" or "Image folder 'path'".</summary>
    public string What { get; }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<ManifestIssue> Issues { get; }

    /// <summary>"Manifest 'x' has 2 invalid row(s):" and <see cref="List"/>: the message without its advice.</summary>
    public static string Describe(string source, IReadOnlyList<ManifestIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(issues);
        return $"{source} has {issues.Count} invalid row(s):{Environment.NewLine}{List(issues)}";
    }

    /// <summary>One indented line per problem, at most 50, then how many more.</summary>
    public static string List(IReadOnlyList<ManifestIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        const int shown = 50;
        IEnumerable<string> lines = issues.Take(shown).Select(i => "  " + i);
        if (issues.Count > shown)
        {
            lines = lines.Append($"  ... and {issues.Count - shown} more");
        }

        return string.Join(Environment.NewLine, lines);
    }
}
