namespace Ffr.MLNet.Training;

/// <summary>The schedule of one training phase (Adam, constant learning rate).</summary>
public sealed class PhaseOptions
{
    /// <summary>Passes over the phase's training rows.</summary>
    /// <value>The default value is 4.</value>
    public int Epochs { get; set; } = FfrTrainerDefaults.Epochs;

    /// <summary>Adam's learning rate.</summary>
    /// <value>The default value is 0.001.</value>
    public double LearningRate { get; set; } = FfrTrainerDefaults.LearningRate;

    /// <summary>Adam's weight decay.</summary>
    /// <value>The default value is 1e-5 (the reference code's).</value>
    public double WeightDecay { get; set; } = FfrTrainerDefaults.WeightDecay;

    /// <summary>Images per batch.</summary>
    /// <value>The default value is 64.</value>
    public int BatchSize { get; set; } = FfrTrainerDefaults.BatchSize;

    /// <summary>Stop after this many epochs without a better validation worst-group accuracy.</summary>
    /// <value>The default value is null: run every epoch.</value>
    public int? Patience { get; set; }

    internal void Validate(string phase)
    {
        if (Epochs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Epochs), Epochs, $"{phase}: Epochs must be at least 1.");
        }

        if (!(LearningRate > 0) || double.IsInfinity(LearningRate))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"{phase}: LearningRate must be a positive number.");
        }

        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, $"{phase}: WeightDecay must be zero or positive.");
        }

        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, $"{phase}: BatchSize must be at least 1.");
        }

        if (Patience is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(Patience), Patience, $"{phase}: Patience must be at least 1, or null.");
        }
    }

    internal string Fingerprint() => FormattableString.Invariant($"{Epochs}/{LearningRate}/{WeightDecay}/{BatchSize}/{Patience}");
}
