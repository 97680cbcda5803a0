using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Importing;

/// <summary>
/// Which columns of a CSV file hold the image path, the label, the attribute and the split, and how its
/// split values read. Without a split column, splits are assigned: within each subgroup (label x
/// attribute), a seeded shuffle puts <see cref="ValidationFraction"/> of the images in val and
/// <see cref="TestFraction"/> in test (each at least one image when the subgroup has three or more) and
/// the rest in train, so that validation holds every subgroup that can spare an image.
/// </summary>
public sealed class CsvImportOptions
{
    /// <summary>The column of image paths, relative to <see cref="ImageFolder"/> (or absolute).</summary>
    /// <value>The default value is ImagePath.</value>
    public string ImagePathColumn { get; set; } = ImportDefaults.CsvImagePath;

    /// <summary>The column of class labels, taken as written.</summary>
    /// <value>The default value is Label.</value>
    public string LabelColumn { get; set; } = ImportDefaults.CsvLabel;

    /// <summary>The column of spurious attribute values, taken as written.</summary>
    /// <value>The default value is Attribute.</value>
    public string AttributeColumn { get; set; } = ImportDefaults.CsvAttribute;

    /// <summary>The column of splits; null to assign splits (see the class remarks).</summary>
    /// <value>The default value is null.</value>
    public string? SplitColumn { get; set; }

    /// <summary>
    /// What each value of <see cref="SplitColumn"/> means, such as 0 train, 1 val, 2 test; every value in
    /// the column must be a key. Null reads the values as the manifest spells them: train, val or test (any case).
    /// </summary>
    /// <value>The default value is null.</value>
    public IReadOnlyDictionary<string, DataSplit>? SplitValues { get; set; }

    /// <summary>The share of each subgroup assigned to val when there is no split column.</summary>
    /// <value>The default value is 0.1.</value>
    public double ValidationFraction { get; set; } = ImportDefaults.ValidationFraction;

    /// <summary>The share of each subgroup assigned to test when there is no split column.</summary>
    /// <value>The default value is 0.1.</value>
    public double TestFraction { get; set; } = ImportDefaults.TestFraction;

    /// <summary>The seed of the assignment when there is no split column: the same seed and file give the same splits.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; } = ImportDefaults.Seed;

    /// <summary>The folder image paths are relative to; null for the CSV file's folder.</summary>
    /// <value>The default value is null.</value>
    public string? ImageFolder { get; set; }
}
