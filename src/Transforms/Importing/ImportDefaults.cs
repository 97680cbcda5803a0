namespace Ffr.MLNet.Importing;

/// <summary>The published layouts' file and column names, and the defaults of the import options.</summary>
internal static class ImportDefaults
{
    // Waterbirds (Sagawa et al. 2020): metadata.csv beside the image folders.
    public const string WaterbirdsMetadata = "metadata.csv";
    public const string WaterbirdsPath = "img_filename";
    public const string WaterbirdsLabel = "y";
    public const string WaterbirdsSplit = "split";
    public const string WaterbirdsPlace = "place";
    public static readonly string[] WaterbirdsLabelNames = { "landbird", "waterbird" };
    public static readonly string[] WaterbirdsPlaceNames = { "land", "water" };

    // CelebA (Liu et al. 2015): the attribute and partition lists beside img_align_celeba/.
    public const string CelebAAttributes = "list_attr_celeba.txt";
    public const string CelebAPartition = "list_eval_partition.txt";
    public const string CelebAImageFolder = "img_align_celeba";
    public const string CelebATarget = "Blond_Hair";
    public const string CelebASpurious = "Male";

    /// <summary>The name of an attribute's -1 value when none is given: <c>not_</c> and the attribute's name.</summary>
    public const string CelebANegativePrefix = "not_";

    // A generic CSV.
    public const string CsvImagePath = "ImagePath";
    public const string CsvLabel = "Label";
    public const string CsvAttribute = "Attribute";
    public const double ValidationFraction = 0.1;
    public const double TestFraction = 0.1;
    public const int Seed = 0;

    /// <summary>The split coding of Waterbirds' <c>split</c> and CelebA's partition list: 0 train, 1 val, 2 test.</summary>
    public static readonly IReadOnlyDictionary<string, string> NumberedSplits = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["0"] = "train", ["1"] = "val", ["2"] = "test",
    };
}
