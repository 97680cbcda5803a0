// Over 250 lines: the benchmark's recipe (counts, splits, rendering) is one specification; split, the numbers that define it would scatter.
using System.Globalization;
using Ffr.MLNet.Images;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Datasets;

/// <summary>
/// The benchmark dataset: Fashion-MNIST garments of four classes (tshirt, trouser, sneaker, bag)
/// placed on four coloured, lightly textured backgrounds (red, green, blue, yellow), the spurious
/// attribute. Class i's bias-aligned background is background i. Per class the training split holds
/// <see cref="BenchmarkDatasetOptions.MajorityPerClass"/> aligned images and
/// <c>max(1, round(majority * (1 - r) / r))</c> bias-conflicting ones, split evenly over the other
/// three backgrounds (the first ones get the remainder); validation and test hold every subgroup
/// at a fixed size. The synthetic pool renders garments disjoint from every real split on every
/// background, with a visible signature (a corruption of chosen kind and severity).
/// Seeded and byte-for-byte reproducible; in memory, or written as PNG files plus a manifest.
/// </summary>
public sealed class BenchmarkDataset
{
    /// <summary>The class labels, in class order.</summary>
    public static IReadOnlyList<string> Labels { get; } = new[] { "tshirt", "trouser", "sneaker", "bag" };

    /// <summary>The backgrounds (attribute values); background i is class i's bias-aligned one.</summary>
    public static IReadOnlyList<string> Attributes { get; } = new[] { "red", "green", "blue", "yellow" };

    private static readonly int[] FashionIds = { 0, 1, 7, 8 };
    private static readonly byte[][] Colours =
    {
        new byte[] { 200, 40, 40 }, new byte[] { 40, 170, 60 }, new byte[] { 40, 70, 200 }, new byte[] { 220, 200, 40 },
    };

    private BenchmarkDataset(BenchmarkDatasetOptions options, ImageRow[] train, ImageRow[] validation, ImageRow[] test, ImageRow[] pool)
    {
        Options = options;
        Train = train;
        Validation = validation;
        Test = test;
        SyntheticPool = pool;
    }

    /// <summary>The options it was built with.</summary>
    public BenchmarkDatasetOptions Options { get; }

    /// <summary>Real training images (biased).</summary>
    public IReadOnlyList<ImageRow> Train { get; }

    /// <summary>Real validation images, every subgroup present.</summary>
    public IReadOnlyList<ImageRow> Validation { get; }

    /// <summary>Real test images, every subgroup the same size.</summary>
    public IReadOnlyList<ImageRow> Test { get; }

    /// <summary>The synthetic pool, the same number of images per subgroup.</summary>
    public IReadOnlyList<ImageRow> SyntheticPool { get; }

    /// <summary>All rows: train, validation, test, then the pool.</summary>
    public IEnumerable<ImageRow> AllRows => Train.Concat(Validation).Concat(Test).Concat(SyntheticPool);

    /// <summary>Bias-conflicting training images of a class: max(1, round(majority * (1 - r) / r)).</summary>
    public static int ConflictingPerClass(int majorityPerClass, double biasRate) =>
        Math.Max(1, (int)Math.Round(majorityPerClass * (1 - biasRate) / biasRate, MidpointRounding.AwayFromZero));

    /// <summary>Training images of subgroup (class <paramref name="label"/>, background <paramref name="attribute"/>).</summary>
    public static int TrainCount(int label, int attribute, int majorityPerClass, double biasRate)
    {
        if (label == attribute)
        {
            return majorityPerClass;
        }

        int conflicting = ConflictingPerClass(majorityPerClass, biasRate);
        int offset = (attribute - label + Attributes.Count) % Attributes.Count - 1; // 0, 1, 2 for the other backgrounds
        int others = Attributes.Count - 1;
        return conflicting / others + (offset < conflicting % others ? 1 : 0);
    }

    /// <summary>Builds the dataset in memory.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">The garment source has too few images for the counts asked for.</exception>
    public static BenchmarkDataset Create(BenchmarkDatasetOptions? options = null)
    {
        options ??= new BenchmarkDatasetOptions();
        if (!(options.BiasRate > 0.5 && options.BiasRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BiasRate, $"BiasRate must be above 0.5 and below 1 (the paper uses 0.9 to 0.999); got {options.BiasRate}.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MajorityPerClass, nameof(options.MajorityPerClass));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.ValidationPerSubgroup, nameof(options.ValidationPerSubgroup));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TestPerSubgroup, nameof(options.TestPerSubgroup));
        if (options.SyntheticPerSubgroup is int s)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(s, nameof(options.SyntheticPerSubgroup));
        }

        if (options.SyntheticSeverity is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.SyntheticSeverity, "SyntheticSeverity must be between 0 (no signature) and 5 (strong).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.ImageSize, 28, nameof(options.ImageSize));

        GrayImageSet garments = options.UseFullFashionMnist ? FashionMnist.LoadSystem() : FashionMnist.LoadEmbedded();
        IReadOnlyDictionary<int, int[]> byLabel = garments.IndicesByLabel();
        int synthetic = options.SyntheticPerSubgroup ?? options.MajorityPerClass;
        int groups = Attributes.Count;

        var train = new List<(int Garment, int Label, int Attribute)>();
        var validation = new List<(int, int, int)>();
        var test = new List<(int, int, int)>();
        var pool = new List<(int, int, int)>();
        var random = new Random(options.Seed);
        for (int label = 0; label < Labels.Count; label++)
        {
            int[] ids = byLabel[FashionIds[label]].ToArray();
            random.Shuffle(ids);
            int trainTotal = Enumerable.Range(0, groups).Sum(a => TrainCount(label, a, options.MajorityPerClass, options.BiasRate));
            int needed = trainTotal + groups * (options.ValidationPerSubgroup + options.TestPerSubgroup) + synthetic;
            if (needed > ids.Length)
            {
                throw new ArgumentException(
                    $"Class '{Labels[label]}' needs {needed} garments ({trainTotal} train, {groups * options.ValidationPerSubgroup} validation, {groups * options.TestPerSubgroup} test, {synthetic} synthetic) but the {(options.UseFullFashionMnist ? "full" : "embedded")} Fashion-MNIST has {ids.Length}. Lower the counts{(options.UseFullFashionMnist ? string.Empty : ", or set UseFullFashionMnist with Debian's dataset-fashion-mnist installed")}.",
                    nameof(options));
            }

            int next = 0;
            for (int a = 0; a < groups; a++)
            {
                for (int i = 0, n = TrainCount(label, a, options.MajorityPerClass, options.BiasRate); i < n; i++)
                {
                    train.Add((ids[next++], label, a));
                }
            }

            for (int a = 0; a < groups; a++)
            {
                for (int i = 0; i < options.ValidationPerSubgroup; i++)
                {
                    validation.Add((ids[next++], label, a));
                }
            }

            for (int a = 0; a < groups; a++)
            {
                for (int i = 0; i < options.TestPerSubgroup; i++)
                {
                    test.Add((ids[next++], label, a));
                }
            }

            // Synthetic: distinct garments, each drawn on every background.
            for (int i = 0; i < synthetic; i++)
            {
                int garment = ids[next++];
                for (int a = 0; a < groups; a++)
                {
                    pool.Add((garment, label, a));
                }
            }
        }

        return new BenchmarkDataset(
            options,
            Render(garments, train, options, DataSplit.Train, SampleSource.Real, salt: 1),
            Render(garments, validation, options, DataSplit.Val, SampleSource.Real, salt: 2),
            Render(garments, test, options, DataSplit.Test, SampleSource.Real, salt: 3),
            Render(garments, pool, options, DataSplit.Train, SampleSource.Synthetic, salt: 4));
    }

    /// <summary>
    /// Writes every image as PNG under <paramref name="folder"/> (<c>&lt;part&gt;/&lt;label&gt;/&lt;attribute&gt;/&lt;n&gt;.png</c>)
    /// and the manifest <c>manifest.csv</c>; returns the manifest's path.
    /// </summary>
    public string WriteTo(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string root = Path.GetFullPath(folder);
        ImageRow[] rows = AllRows.ToArray();
        var written = new ImageRow[rows.Length];
        foreach (string directory in rows.Select(r => Path.GetDirectoryName(Path.Combine(root, r.ImagePath))!).Distinct())
        {
            Directory.CreateDirectory(directory);
        }

        Parallel.For(0, rows.Length, i =>
        {
            string path = Path.Combine(root, rows[i].ImagePath);
            rows[i].Image!.SavePng(path);
            written[i] = rows[i] with { ImagePath = path, Image = null };
        });

        string manifest = Path.Combine(root, "manifest.csv");
        ImageManifest.FromRows(written, root).Save(manifest);
        return manifest;
    }

    /// <summary>The in-memory rows as a manifest (images held in memory).</summary>
    public ImageManifest ToManifest() => ImageManifest.FromRows(AllRows);

    private static ImageRow[] Render(GrayImageSet garments, List<(int Garment, int Label, int Attribute)> items, BenchmarkDatasetOptions options, DataSplit split, SampleSource source, int salt)
    {
        string part = source == SampleSource.Synthetic ? "synthetic" : ImageRow.Format(split);
        var rows = new ImageRow[items.Count];
        Parallel.For(0, items.Count, i =>
        {
            (int garment, int label, int attribute) = items[i];
            var random = new Random(StableSeed.Combine(options.Seed, salt, i));
            RgbImage image = Compose(garments, garment, attribute, options.ImageSize, random);
            if (source == SampleSource.Synthetic)
            {
                image = ImageCorruption.Apply(image, options.SyntheticCorruption, options.SyntheticSeverity, random);
            }

            string name = string.Create(CultureInfo.InvariantCulture, $"{part}/{Labels[label]}/{Attributes[attribute]}/{i:D6}.png");
            rows[i] = new ImageRow
            {
                ImagePath = name,
                Label = Labels[label],
                Attribute = Attributes[attribute],
                Source = source,
                Split = split,
                Image = image,
                Extra = new Dictionary<string, string> { ["FashionMnistIndex"] = garment.ToString(CultureInfo.InvariantCulture) },
            };
        });

        return rows;
    }

    /// <summary>The garment (its gray level as coverage) over a textured background of the attribute's colour.</summary>
    private static RgbImage Compose(GrayImageSet garments, int index, int attribute, int size, Random random)
    {
        ReadOnlySpan<byte> garment = garments.GetImage(index);
        byte[] colour = Colours[attribute];
        var pixels = new byte[size * size * 3];
        int offsetY = (size - garments.Height) / 2, offsetX = (size - garments.Width) / 2;
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int texture = random.Next(-12, 13);
                int gy = y - offsetY, gx = x - offsetX;
                double coverage = gy >= 0 && gy < garments.Height && gx >= 0 && gx < garments.Width ? garment[gy * garments.Width + gx] / 255.0 : 0;
                int o = (y * size + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    double background = Math.Clamp(colour[c] + texture, 0, 255);
                    double value = background * (1 - coverage) + 255 * coverage * 0.9;
                    pixels[o + c] = (byte)Math.Round(value);
                }
            }
        }

        return new RgbImage(size, size, pixels);
    }
}
