namespace Ffr.MLNet.Training;

/// <summary>Where a phase stands, as saved after each epoch.</summary>
internal sealed class PhaseState
{
    public int Phase { get; set; }

    public int EpochsDone { get; set; }

    public double BestMetric { get; set; } = double.NegativeInfinity;

    public int BestEpoch { get; set; }

    public int SinceBest { get; set; }

    public double[] GroupWeights { get; set; } = Array.Empty<double>();

    public TrainingSummary Summary { get; set; } = new();
}
