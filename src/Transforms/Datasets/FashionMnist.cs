using System.Reflection;

namespace Ffr.MLNet.Datasets;

/// <summary>
/// Fashion-MNIST (Zalando Research, MIT licence): 28x28 grayscale garment images in ten classes.
/// <see cref="LoadEmbedded"/> returns the subset embedded in this assembly (12,000 images of
/// classes 0 T-shirt/top, 1 Trouser, 7 Sneaker, 8 Bag), so nothing has to be downloaded.
/// <see cref="LoadSystem"/> returns all 70,000 images when Debian's <c>dataset-fashion-mnist</c>
/// package (or a copy of the four official files) is present.
/// </summary>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package puts the four gzipped IDX files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    private const string ResourcePrefix = "Ffr.MLNet.Datasets.FashionMnist.";

    /// <summary>The ten class names, indexed by Fashion-MNIST label id.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>The label ids present in the embedded subset.</summary>
    public static IReadOnlyList<int> EmbeddedClasses { get; } = new[] { 0, 1, 7, 8 };

    /// <summary>The embedded 12,000-image subset (3,000 per class of <see cref="EmbeddedClasses"/>).</summary>
    public static GrayImageSet LoadEmbedded()
    {
        Assembly assembly = typeof(FashionMnist).Assembly;
        using Stream images = OpenResource(assembly, "fashion-subset-images-idx3-ubyte.gz");
        using Stream labels = OpenResource(assembly, "fashion-subset-labels-idx1-ubyte.gz");
        return Read(images, "fashion-subset-images-idx3-ubyte.gz", labels, "fashion-subset-labels-idx1-ubyte.gz");
    }

    /// <summary>True when <paramref name="directory"/> holds the four official gzipped IDX files.</summary>
    public static bool IsSystemAvailable(string directory = SystemDirectory) =>
        SystemFiles(directory).All(File.Exists);

    /// <summary>
    /// All 70,000 images (the 60,000 training images first, then the 10,000 test images) from the
    /// official files in <paramref name="directory"/>.
    /// </summary>
    /// <exception cref="FileNotFoundException">A file is missing; the message says how to install them.</exception>
    public static GrayImageSet LoadSystem(string directory = SystemDirectory)
    {
        string[] files = SystemFiles(directory);
        foreach (string file in files)
        {
            if (!File.Exists(file))
            {
                throw new FileNotFoundException(
                    $"Fashion-MNIST file '{file}' was not found. Install Debian's package (apt-get install dataset-fashion-mnist) " +
                    $"or copy the four official gzipped IDX files into '{directory}'; the embedded subset needs no files (FashionMnist.LoadEmbedded()).",
                    file);
            }
        }

        GrayImageSet train = ReadFiles(files[0], files[1]);
        GrayImageSet test = ReadFiles(files[2], files[3]);
        return GrayImageSet.Concat(train, test);
    }

    private static string[] SystemFiles(string directory) => new[]
    {
        Path.Combine(directory, "train-images-idx3-ubyte.gz"),
        Path.Combine(directory, "train-labels-idx1-ubyte.gz"),
        Path.Combine(directory, "t10k-images-idx3-ubyte.gz"),
        Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"),
    };

    private static GrayImageSet ReadFiles(string imagesPath, string labelsPath)
    {
        using FileStream images = File.OpenRead(imagesPath);
        using FileStream labels = File.OpenRead(labelsPath);
        return Read(images, imagesPath, labels, labelsPath);
    }

    private static GrayImageSet Read(Stream images, string imagesName, Stream labels, string labelsName)
    {
        (byte[] pixels, int count, int height, int width) = IdxReader.ReadImages(images, imagesName);
        byte[] labelIds = IdxReader.ReadLabels(labels, labelsName);
        if (labelIds.Length != count)
        {
            throw new InvalidDataException(
                $"'{imagesName}' holds {count} images but '{labelsName}' holds {labelIds.Length} labels. Use the labels file that belongs to the images file.");
        }

        return new GrayImageSet(pixels, labelIds, height, width);
    }

    private static Stream OpenResource(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(ResourcePrefix + name)
        ?? throw new InvalidOperationException($"The embedded resource '{ResourcePrefix + name}' is missing from {assembly.GetName().Name}; the build did not embed src/Transforms/Datasets/FashionMnist/{name}.");
}
