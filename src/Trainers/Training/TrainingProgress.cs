namespace Ffr.MLNet.Training;

/// <summary>A progress report of <see cref="FfrImageClassificationTrainer"/>: after every step, and after every epoch's validation.</summary>
/// <param name="Phase">"pretraining" (FFR phase 1), "fine-tuning" (FFR phase 2) or "training" (the single phase of None, USB and ASB).</param>
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
    /// <summary>True for the report sent after an epoch's validation.</summary>
    public bool IsEpochEnd => ValidationWorstGroupAccuracy is not null;
}
