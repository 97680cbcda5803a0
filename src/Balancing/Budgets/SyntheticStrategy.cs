namespace Ffr.MLNet.Budgets;

/// <summary>How synthetic images are added to a biased real training set (see the FFR paper).</summary>
public enum SyntheticStrategy
{
    /// <summary>Real data only; no synthetic images.</summary>
    None,

    /// <summary>
    /// Uniform synthetic balancing: add N - n_g synthetic images to subgroup g (N the largest real
    /// subgroup), so real + synthetic is exactly uniform over subgroups; train on the mix.
    /// </summary>
    Usb,

    /// <summary>Additive synthetic balancing: add the same k = B / G images to every subgroup (B the USB total); train on the mix.</summary>
    Asb,

    /// <summary>From Fake to Real: pretrain on k = B / G synthetic images per subgroup only, then fine-tune on the real data.</summary>
    Ffr,
}

/// <summary>What each <see cref="SyntheticStrategy"/> needs, decided once for the composer, the trainer and the experiments.</summary>
public static class SyntheticStrategyExtensions
{
    /// <summary>Whether the strategy trains with synthetic images: every strategy but <see cref="SyntheticStrategy.None"/>, which needs no pool and leaves a given one unread.</summary>
    public static bool UsesSyntheticPool(this SyntheticStrategy strategy) => strategy != SyntheticStrategy.None;
}
