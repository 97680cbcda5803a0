namespace Ffr.MLNet.Training;

/// <summary>A progress report of <see cref="FfrImageClassificationTrainer"/>: after every step, and after every epoch's validation.</summary>
/// <param name="Phase">
/// "pretraining" (FFR phase 1), "fine-tuning" (FFR phase 2) or "training" (the single phase of None, USB and ASB);
/// "dfr" for DFR's last-layer search after training: one round (<paramref name="Epoch"/>) per strength C and a final
/// one, one step per balanced subset, <paramref name="Loss"/> NaN, and after a search round the held-out
/// worst-group accuracy in <paramref name="ValidationWorstGroupAccuracy"/>; <see cref="Detail"/> names the round.
/// </param>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Epochs">Epochs planned in the phase.</param>
/// <param name="Step">The step within the epoch, from 1.</param>
/// <param name="Steps">Steps per epoch.</param>
/// <param name="Loss">The step's training loss (for an epoch report, the epoch's mean).</param>
/// <param name="ValidationWorstGroupAccuracy">After an epoch: worst-group accuracy on the validation set; otherwise null.</param>
/// <param name="ValidationBalancedAccuracy">After an epoch: balanced accuracy on the validation set; otherwise null.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="Remaining">Estimated time left for the whole training, from the pace so far.</param>
public sealed record TrainingProgress(
    string Phase, int Epoch, int Epochs, int Step, int Steps, double Loss,
    double? ValidationWorstGroupAccuracy, double? ValidationBalancedAccuracy, TimeSpan Elapsed, TimeSpan Remaining)
{
    /// <summary>True for the report sent after an epoch's validation (or a DFR search round's held-out check).</summary>
    public bool IsEpochEnd => ValidationWorstGroupAccuracy is not null;

    /// <summary>What the step is about when the phase has no epochs (DFR: "last layer, C = 0.7"); null otherwise.</summary>
    public string? Detail { get; init; }
}
