using System.Collections.Concurrent;
using Ffr.MLNet.Images;

namespace Ffr.MLNet.Manifests;

/// <summary>Validates a manifest's rows, however they were read (CSV, folder, import), with one set of messages.</summary>
internal static class ManifestValidation
{
    /// <summary>
    /// Checks every candidate (fields, then its file, in parallel), filters or notes grayscale images among RGB ones, notes
    /// paths outside <paramref name="baseDirectory"/> when <paramref name="checkFolder"/>, and drops synthetic rows whose label
    /// or attribute no real row has: the valid rows with full paths in candidate order, the rows skipped, and the notices.
    /// </summary>
    /// <exception cref="ManifestValidationException">Rows are invalid and <see cref="ManifestLoadOptions.SkipInvalidRows"/> is false.</exception>
    public static (IReadOnlyList<ImageRow> Rows, IReadOnlyList<ManifestIssue> Skipped, IReadOnlyList<ManifestIssue> Notices, DecodedImages? Decoded) Validate(string what, string baseDirectory, List<ManifestCandidate> candidates, ManifestLoadOptions options, bool checkFolder)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(options.KeepDecodedMegabytes, nameof(options.KeepDecodedMegabytes));
        DecodedImages? decoded = options.VerifyImages && options.KeepDecodedMegabytes > 0 ? new DecodedImages(options.KeepDecodedMegabytes * (1L << 20)) : null;
        var kept = new RgbImage?[candidates.Count];
        var rows = new ImageRow?[candidates.Count];
        var rowIssues = new ConcurrentDictionary<int, ManifestIssue>();
        var grayscale = new ConcurrentDictionary<int, bool>();

        Parallel.For(0, candidates.Count, i =>
        {
            ManifestCandidate c = candidates[i];
            bool gray = false;
            RgbImage? image = null;
            ManifestIssue? issue = CheckFields(c) ?? CheckFile(c, baseDirectory, options.VerifyImages, out gray, out image);
            if (issue is not null)
            {
                rowIssues[i] = issue;
                return;
            }

            grayscale[i] = gray;
            ImageRow row = rows[i] = new ImageRow
            {
                ImagePath = Path.GetFullPath(Path.Combine(baseDirectory, c.Path)),
                Label = c.Label,
                Attribute = c.Attribute,
                Source = ImageRow.ParseSource(c.Source)!.Value,
                Split = ImageRow.ParseSplit(c.Split)!.Value,
                Line = c.Line,
                Extra = c.Extra,
            };

            // Kept for the splits training reads (train, val); test images are read by evaluation, later and apart.
            if (image is not null && decoded is not null && row.Split != DataSplit.Test && decoded.TryReserve(image.Pixels.LongLength))
            {
                kept[i] = image;
            }
        });

        var notices = new List<ManifestIssue>();
        bool anyColour = grayscale.Values.Any(g => !g);
        int[] grayRows = grayscale.Where(g => g.Value).Select(g => g.Key).Order().ToArray();
        if (anyColour && grayRows.Length > 0)
        {
            foreach (int i in grayRows)
            {
                string message = $"'{candidates[i].Path}' is grayscale among RGB images.";
                if (options.FilterGrayscale)
                {
                    rowIssues[i] = new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.GrayscaleImage, message + " Grayscale images are filtered (FilterGrayscale).");
                    rows[i] = null;
                }
            }

            if (!options.FilterGrayscale)
            {
                notices.AddRange(grayRows.Select(i => new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.GrayscaleImage, $"'{candidates[i].Path}' is grayscale among RGB images; it was kept.")));
            }
        }

        if (checkFolder)
        {
            string inside = Path.TrimEndingDirectorySeparator(baseDirectory) + Path.DirectorySeparatorChar;
            notices.AddRange(Enumerable.Range(0, rows.Length)
                .Where(i => rows[i] is ImageRow row && !row.ImagePath.StartsWith(inside, StringComparison.Ordinal))
                .Select(i => new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.OutsideManifestFolder, $"'{candidates[i].Path}' is outside the manifest's folder; it was read from '{rows[i]!.ImagePath}'.")));
        }

        // Synthetic labels and attributes must exist among the real rows.
        var realLabels = rows.Where(r => r?.Source == SampleSource.Real).Select(r => r!.Label).ToHashSet(StringComparer.Ordinal);
        var realAttributes = rows.Where(r => r?.Source == SampleSource.Real).Select(r => r!.Attribute).ToHashSet(StringComparer.Ordinal);
        if (realLabels.Count > 0)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                if (rows[i] is { Source: SampleSource.Synthetic } row && (!realLabels.Contains(row.Label) || !realAttributes.Contains(row.Attribute)))
                {
                    string what2 = !realLabels.Contains(row.Label) ? $"label '{row.Label}'" : $"attribute '{row.Attribute}'";
                    rowIssues[i] = new ManifestIssue(candidates[i].Line, candidates[i].Path, ManifestIssueKind.UnknownSubgroupValue,
                        $"'{candidates[i].Path}' is synthetic with {what2}, which no real row has; fix the value or add real images of it.");
                    rows[i] = null;
                }
            }
        }

        var issues = rowIssues.OrderBy(p => p.Key).Select(p => p.Value).ToList();
        if (issues.Count > 0 && !options.SkipInvalidRows)
        {
            throw new ManifestValidationException(what, issues);
        }

        if (decoded is not null)
        {
            for (int i = 0; i < rows.Length; i++)
            {
                if (kept[i] is not RgbImage image)
                {
                    continue;
                }

                if (rows[i] is ImageRow row)
                {
                    decoded.Keep(row.ImagePath, image);
                }
                else
                {
                    decoded.Release(image.Pixels.LongLength); // the row was left out after its check (grayscale, unknown label)
                }
            }
        }

        return (rows.Where(r => r is not null).ToArray()!, issues, notices, decoded);
    }

    private static ManifestIssue? CheckFields(ManifestCandidate c)
    {
        if (c.Path.Length == 0 || c.Label.Length == 0 || c.Attribute.Length == 0)
        {
            string column = c.Path.Length == 0 ? ManifestDefaults.ImagePath : c.Label.Length == 0 ? ManifestDefaults.Label : ManifestDefaults.Attribute;
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.MissingValue, $"'{c.Path}' has an empty {column}; every row needs an ImagePath, a Label and an Attribute.");
        }

        if (ImageRow.ParseSource(c.Source) is null)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnknownSource, $"'{c.Path}' has Source '{c.Source}'; use real or synthetic.");
        }

        if (ImageRow.ParseSplit(c.Split) is not DataSplit split)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnknownSplit, $"'{c.Path}' has Split '{c.Split}'; use train, val or test.");
        }

        if (ImageRow.ParseSource(c.Source) == SampleSource.Synthetic && split != DataSplit.Train)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnknownSplit, $"'{c.Path}' is synthetic with Split '{c.Split}'; synthetic images are training images only (Split train).");
        }

        return null;
    }

    private static ManifestIssue? CheckFile(ManifestCandidate c, string baseDirectory, bool verify, out bool grayscale, out RgbImage? decoded)
    {
        grayscale = false;
        decoded = null;
        string full = Path.Combine(baseDirectory, c.Path);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.MissingFile, $"'{c.Path}' was not found (looked at '{full}').");
        }

        if (info.Length == 0)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.ZeroSizeImage, $"'{c.Path}' is an empty file.");
        }

        if (!verify)
        {
            return null;
        }

        try
        {
            if (RgbImage.DecodeOrEmpty(RgbImage.ReadEncoded(full), c.Path, out bool storedAsGray, out string? empty) is not RgbImage image)
            {
                return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.ZeroSizeImage, empty!);
            }

            grayscale = storedAsGray || image.IsGrayscale();
            decoded = image;
            return null;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return new ManifestIssue(c.Line, c.Path, ManifestIssueKind.UnreadableImage, ex.Message);
        }
    }
}
