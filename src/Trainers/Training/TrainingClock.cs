using System.Diagnostics;

namespace Ffr.MLNet.Training;

/// <summary>Elapsed time and an estimate of the time left, from the steps done so far.</summary>
internal sealed class TrainingClock
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _stepsDone;

    public long TotalSteps { get; set; }

    public TimeSpan Elapsed => _watch.Elapsed;

    public void Step() => _stepsDone++;

    public TimeSpan Remaining => _stepsDone == 0 || TotalSteps <= _stepsDone
        ? TimeSpan.Zero
        : TimeSpan.FromTicks((long)(_watch.Elapsed.Ticks / (double)_stepsDone * (TotalSteps - _stepsDone)));
}
