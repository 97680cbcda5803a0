using System.CommandLine;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Cli;

/// <summary>--skip-invalid-rows and --filter-grayscale: how every command that reads a manifest validates it.</summary>
internal sealed class ManifestValidation
{
    public CliOption<bool> SkipInvalidRows { get; } = CliOptions.Flag("--skip-invalid-rows", "Leave invalid manifest rows out (each is listed) instead of stopping.");

    public CliOption<bool> FilterGrayscale { get; } = CliOptions.Flag("--filter-grayscale", "Treat grayscale images among RGB ones as invalid rows (the paper discards them).");

    public IEnumerable<Option> Options => new Option[] { SkipInvalidRows, FilterGrayscale };

    public ManifestLoadOptions LoadOptions(ParseResult args, bool verifyImages = true, int keepDecodedMegabytes = 0) => new()
    {
        SkipInvalidRows = args.GetValue(SkipInvalidRows), FilterGrayscale = args.GetValue(FilterGrayscale), VerifyImages = verifyImages, KeepDecodedMegabytes = keepDecodedMegabytes,
    };
}

/// <summary>
/// --manifest (-m), and for the commands that take a generated pool beside it --synthetic: the manifest read and
/// validated once, its warnings printed in the tool's terms.
/// </summary>
internal sealed class ManifestInput
{
    public ManifestInput(string description, bool pool = false)
    {
        Manifest = CliOptions.Required("--manifest", description, "-m");
        Synthetic = pool ? CliOptions.Text("--synthetic", "A synthetic pool's manifest (such as the one 'ffr generate' writes) used instead of the manifest's synthetic rows.") : null;
    }

    public CliOption<string> Manifest { get; }

    public CliOption<string?>? Synthetic { get; }

    public ManifestValidation Validation { get; } = new();

    /// <summary>--manifest and --synthetic, first in a command's help (the validation options go last).</summary>
    public IEnumerable<Option> Options => Synthetic is null ? new Option[] { Manifest } : new Option[] { Manifest, Synthetic };

    /// <summary>The pool's manifest given with --synthetic, or null.</summary>
    public string? Pool(ParseResult args) => Synthetic is null ? null : args.GetValue(Synthetic);

    /// <summary>
    /// Loads and validates the manifest of --manifest with the validation options (and, with --synthetic, a generated pool
    /// in place of its synthetic rows), prints what was left out and every warning to the error stream, and returns the
    /// warnings (for summaries). The images decoded by the check are kept for the trainer up to
    /// <paramref name="keepDecodedMegabytes"/> (ManifestLoadOptions.KeepDecodedMegabytes).
    /// </summary>
    public (ImageManifest Manifest, IReadOnlyList<string> Warnings) Load(ParseResult args, CliContext context, bool verifyImages = true, int keepDecodedMegabytes = 0)
    {
        string path = Inputs.File(args, Manifest, "Manifest", "Pass a CSV with the header ImagePath,Label,Attribute,Source,Split (see 'ffr benchmark-data' for an example).");
        ManifestLoadOptions options = Validation.LoadOptions(args, verifyImages, keepDecodedMegabytes);
        ImageManifest manifest = ImageManifest.Load(path, options);
        if (Pool(args) is string synthetic)
        {
            string pool = Inputs.Require(synthetic, "Synthetic pool manifest", "Give the manifest.csv that 'ffr generate --out DIR' writes into DIR.");
            manifest = manifest.WithSyntheticPool(ImageManifest.Load(pool, options));
        }

        return (manifest, Inputs.Report(manifest, $"manifest '{path}'", context));
    }

    /// <summary>--images-per-subgroup: ASB's and FFR's budget given directly.</summary>
    public static CliOption<int?> ImagesPerSubgroup() =>
        CliOptions.OptionalInt("--images-per-subgroup", "Synthetic images per subgroup for ASB and FFR.", 1, int.MaxValue, defaultText: "the USB total / subgroups");
}
