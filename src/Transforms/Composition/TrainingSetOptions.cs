namespace Ffr.MLNet.Composition;

/// <summary>Options of the synthetic-augmenting loader (<see cref="TrainingSetComposer"/>).</summary>
public sealed class TrainingSetOptions
{
    /// <summary>Synthetic images per subgroup for ASB and FFR instead of k = B / G.</summary>
    /// <value>The default value is null: derived from USB's total.</value>
    public int? ImagesPerSubgroup { get; set; }

    /// <summary>Use what the pool holds when it is short, with a warning, instead of failing.</summary>
    /// <value>The default value is false.</value>
    public bool AllowShortfall { get; set; }

    /// <summary>Seed of the choice of synthetic images.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }
}
