namespace Ffr.MLNet.Manifests;

/// <summary>A row as read, before validation: the path relative to the base folder, the fields as text, the line it came from (0 when none).</summary>
internal sealed record ManifestCandidate(int Line, string Path, string Label, string Attribute, string Source, string Split, IReadOnlyDictionary<string, string> Extra)
{
    /// <summary>Every image of a folder laid out as <c>root/&lt;label&gt;/&lt;attribute&gt;/*.{png,jpg,jpeg,bmp,webp}</c>, of the given source and split, in ordinal order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">The folder holds no images in that layout.</exception>
    public static List<ManifestCandidate> FromFolder(string root, SampleSource source, DataSplit split)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"Image folder '{root}' was not found. Pass a folder laid out as <label>/<attribute>/<image files>.");
        }

        var candidates = new List<ManifestCandidate>();
        foreach (string labelDir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            foreach (string attributeDir in Directory.GetDirectories(labelDir).Order(StringComparer.Ordinal))
            {
                foreach (string file in Directory.GetFiles(attributeDir).Order(StringComparer.Ordinal))
                {
                    if (ManifestDefaults.ImageExtensions.Contains(System.IO.Path.GetExtension(file).ToLowerInvariant()))
                    {
                        candidates.Add(new ManifestCandidate(0, System.IO.Path.GetRelativePath(root, file), System.IO.Path.GetFileName(labelDir), System.IO.Path.GetFileName(attributeDir),
                            ImageRow.Format(source), ImageRow.Format(split), new Dictionary<string, string>()));
                    }
                }
            }
        }

        if (candidates.Count == 0)
        {
            throw new InvalidDataException($"Image folder '{root}' holds no images under <label>/<attribute>/ (looked for {string.Join(", ", ManifestDefaults.ImageExtensions)}).");
        }

        return candidates;
    }
}
