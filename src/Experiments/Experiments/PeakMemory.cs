namespace Ffr.MLNet.Experiments;

/// <summary>
/// The largest working set of this process while it is alive: sampled every
/// <see cref="Interval"/> (and at start and end), since <c>Process.PeakWorkingSet64</c> only grows over
/// the process's life and cannot tell one cell from the next.
/// </summary>
internal sealed class PeakMemory : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly Timer _timer;
    private long _peak;

    public PeakMemory()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>The largest working set sampled so far, in bytes.</summary>
    public long Bytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peak);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        long now = Environment.WorkingSet;
        long seen;
        while (now > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, seen) != seen)
        {
        }
    }
}
