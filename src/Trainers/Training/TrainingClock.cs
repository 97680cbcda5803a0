using System.Diagnostics;

namespace Ffr.MLNet.Training;

/// <summary>Elapsed time and an estimate of the time left, from the steps done so far.</summary>
internal sealed class TrainingClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _stepsDone;
    private TimeSpan _stepsStarted;

    public long TotalSteps { get; set; }

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Step() => _stepsDone++;

    /// <summary>Measures the pace of steps from now on (after work that is not steps, such as computing features).</summary>
    public void StartSteps() => _stepsStarted = _watch.Elapsed;

    public TimeSpan Remaining => _stepsDone == 0 || TotalSteps <= _stepsDone
        ? TimeSpan.Zero
        : TimeSpan.FromTicks((long)((_watch.Elapsed - _stepsStarted).Ticks / (double)_stepsDone * (TotalSteps - _stepsDone)));
}
