using Ffr.MLNet.Images;

namespace Ffr.MLNet.Datasets;

/// <summary>Options of <see cref="BenchmarkDataset.Create"/>. The defaults build the demo's dataset.</summary>
public sealed class BenchmarkDatasetOptions
{
    /// <summary>
    /// Share of each class's training images on its bias-aligned background: 0.9, 0.95, 0.97, 0.99 or
    /// 0.999 in the paper (any value in (0.5, 1) works).
    /// </summary>
    /// <value>The default value is 0.99.</value>
    public double BiasRate { get; set; } = BenchmarkDatasetDefaults.BiasRate;

    /// <summary>Training images per class on its bias-aligned background.</summary>
    /// <value>The default value is 1000.</value>
    public int MajorityPerClass { get; set; } = BenchmarkDatasetDefaults.MajorityPerClass;

    /// <summary>Validation images per subgroup (every subgroup is present).</summary>
    /// <value>The default value is 20.</value>
    public int ValidationPerSubgroup { get; set; } = BenchmarkDatasetDefaults.ValidationPerSubgroup;

    /// <summary>Test images per subgroup (every subgroup the same size).</summary>
    /// <value>The default value is 50.</value>
    public int TestPerSubgroup { get; set; } = BenchmarkDatasetDefaults.TestPerSubgroup;

    /// <summary>Synthetic images per subgroup in the pool.</summary>
    /// <value>The default value is null: <see cref="MajorityPerClass"/>, enough for USB at any bias rate.</value>
    public int? SyntheticPerSubgroup { get; set; }

    /// <summary>Strength of the synthetic renderer's visible signature: 0 (none) to 5 (strong).</summary>
    /// <value>The default value is 3.</value>
    public int SyntheticSeverity { get; set; } = BenchmarkDatasetDefaults.SyntheticSeverity;

    /// <summary>The corruption that makes up the synthetic signature.</summary>
    /// <value>The default value is <see cref="ImageCorruptionKind.GaussianNoise"/>.</value>
    public ImageCorruptionKind SyntheticCorruption { get; set; } = BenchmarkDatasetDefaults.SyntheticCorruption;

    /// <summary>Side of the square RGB images; the 28x28 garment is centred on the background.</summary>
    /// <value>The default value is 32.</value>
    public int ImageSize { get; set; } = BenchmarkDatasetDefaults.ImageSize;

    /// <summary>Seed of every random choice; the same seed gives byte-identical images.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }

    /// <summary>Draw garments from the full 70,000-image Fashion-MNIST (Debian's dataset-fashion-mnist) instead of the embedded subset.</summary>
    /// <value>The default value is false.</value>
    public bool UseFullFashionMnist { get; set; }
}

/// <summary>Defaults of <see cref="BenchmarkDatasetOptions"/>.</summary>
internal static class BenchmarkDatasetDefaults
{
    public const double BiasRate = 0.99;
    public const int MajorityPerClass = 1000;
    public const int ValidationPerSubgroup = 20;
    public const int TestPerSubgroup = 50;
    public const int SyntheticSeverity = 3;
    public const ImageCorruptionKind SyntheticCorruption = ImageCorruptionKind.GaussianNoise;
    public const int ImageSize = 32;
}
