using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Input files named on the command line: a missing file or a folder is a command-line mistake
/// (exit 2); the manifest options every manifest-reading command shares; the manifest's warnings
/// printed in the tool's terms.
/// </summary>
internal static class Inputs
{
    /// <summary>--skip-invalid-rows and --filter-grayscale, for every command that reads a manifest.</summary>
    public static readonly OptionSpec[] ManifestOptions =
    {
        new("skip-invalid-rows", "Leave invalid manifest rows out (each is listed) instead of stopping.", IsFlag: true),
        new("filter-grayscale", "Treat grayscale images among RGB ones as invalid rows (the paper discards them).", IsFlag: true),
    };

    /// <summary>--synthetic, for the commands that take a generated pool beside the manifest.</summary>
    public static readonly OptionSpec SyntheticPool =
        new("synthetic", "A synthetic pool's manifest (such as the one 'ffr generate' writes) used instead of the manifest's synthetic rows.");

    /// <summary>--images-per-subgroup: ASB's and FFR's budget given directly.</summary>
    public static readonly OptionSpec ImagesPerSubgroup =
        new("images-per-subgroup", "Synthetic images per subgroup for ASB and FFR (default: the USB total / subgroups).");

    /// <summary>The full path of an existing file given with <c>--<paramref name="option"/></c>.</summary>
    public static string File(Arguments args, string option, string what, string advice) => Require(args.Required(option), what, advice);

    /// <summary>The full path of <paramref name="path"/>, an existing file given on the command line.</summary>
    public static string Require(string path, string what, string advice)
    {
        try
        {
            return InputFile.Require(path, what, advice);
        }
        catch (IOException ex)
        {
            throw new UserErrorException(ex.Message);
        }
    }

    /// <summary>
    /// Loads and validates the manifest of <c>--manifest</c> with the manifest options (and, where the command
    /// has <c>--synthetic</c>, a generated pool in place of its synthetic rows), prints what was left out and
    /// every warning to the error stream, and returns the warnings (for summaries).
    /// </summary>
    public static (ImageManifest Manifest, IReadOnlyList<string> Warnings) Manifest(Arguments args, CliContext context, bool verifyImages = true)
    {
        string path = File(args, "manifest", "Manifest", "Pass a CSV with the header ImagePath,Label,Attribute,Source,Split (see 'ffr benchmark-data' for an example).");
        var options = new ManifestLoadOptions
        {
            SkipInvalidRows = args.Flag("skip-invalid-rows"), FilterGrayscale = args.Flag("filter-grayscale"), VerifyImages = verifyImages,
        };
        ImageManifest manifest = ImageManifest.Load(path, options);
        if (args.Value("synthetic") is string synthetic)
        {
            string pool = Require(synthetic, "Synthetic pool manifest", "Give the manifest.csv that 'ffr generate --out DIR' writes into DIR.");
            manifest = manifest.WithSyntheticPool(ImageManifest.Load(pool, options));
        }

        return (manifest, Report(manifest, $"manifest '{path}'", context));
    }

    /// <summary>
    /// Prints to the error stream, and returns, what loading <paramref name="what"/> left out (--skip-invalid-rows)
    /// and its notices, in the tool's terms.
    /// </summary>
    public static IReadOnlyList<string> Report(ImageManifest manifest, string what, CliContext context)
    {
        var warnings = new List<string>();
        if (manifest.Skipped.Count > 0)
        {
            warnings.Add($"{manifest.Skipped.Count} invalid row(s) of {what} were left out (--skip-invalid-rows):{Environment.NewLine}{ManifestValidationException.List(manifest.Skipped)}");
        }

        foreach (IGrouping<ManifestIssueKind, ManifestIssue> kind in manifest.Notices.GroupBy(n => n.Kind))
        {
            warnings.Add(ManifestIssue.Summarize(kind.Key, kind.ToArray()) + (kind.Key == ManifestIssueKind.GrayscaleImage ? " Pass --filter-grayscale to leave them out." : string.Empty));
        }

        foreach (string warning in warnings)
        {
            context.Error.WriteLine("Warning: " + warning);
        }

        return warnings;
    }
}
