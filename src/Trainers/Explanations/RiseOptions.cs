namespace Ffr.MLNet.Explanations;

/// <summary>Options of <see cref="Rise"/>.</summary>
public sealed class RiseOptions
{
    /// <summary>Random masks averaged.</summary>
    /// <value>The default value is 1000.</value>
    public int Masks { get; set; } = 1000;

    /// <summary>Cells per side of each mask's coarse binary grid before upsampling.</summary>
    /// <value>The default value is 7 (the RISE paper's s).</value>
    public int GridSize { get; set; } = 7;

    /// <summary>Probability that a grid cell is kept (1) rather than masked (0).</summary>
    /// <value>The default value is 0.5.</value>
    public double KeepProbability { get; set; } = 0.5;

    /// <summary>Masks scored per batch.</summary>
    /// <value>The default value is 250.</value>
    public int BatchSize { get; set; } = 250;

    /// <summary>Seed of the masks.</summary>
    /// <value>The default value is 0.</value>
    public int Seed { get; set; }
}
