using System.CommandLine;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Input files named on the command line: a missing file or a folder is a command-line mistake
/// (exit 2); a manifest's warnings printed in the tool's terms.
/// </summary>
internal static class Inputs
{
    /// <summary>The full path of an existing file given with <paramref name="option"/>.</summary>
    public static string File(ParseResult args, Option<string> option, string what, string advice) => Require(args.Value(option), what, advice);

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
