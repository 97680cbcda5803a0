using System.Globalization;
using Ffr.MLNet.Generation;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Shows generation progress: on a terminal, one line redrawn in place (a bar, images done, rate,
/// time left, failures so far); when redirected, a plain line at every tenth of the run.
/// </summary>
internal sealed class GenerationProgressPrinter : IProgress<GenerationProgress>
{
    private readonly CliContext _context;
    private readonly object _gate = new();
    private DateTime _lastDraw = DateTime.MinValue;
    private int _lastTenth = -1;
    private bool _drawn;

    public GenerationProgressPrinter(CliContext context) => _context = context;

    public void Report(GenerationProgress p)
    {
        lock (_gate)
        {
            string line = string.Create(CultureInfo.InvariantCulture,
                $"generate [{ProgressPrinter.Bar(p.Done, p.Total)}] {p.Done}/{p.Total} images ({p.Made} made, {p.Skipped} already there), {p.ImagesPerMinute:0.0}/min, ~{(p.Remaining is { } left ? ProgressPrinter.Time(left) : "?")} left, {p.Failed} failed");
            if (_context.Interactive)
            {
                if (p.Done == p.Total || (DateTime.UtcNow - _lastDraw).TotalMilliseconds >= 200)
                {
                    _lastDraw = DateTime.UtcNow;
                    _context.Out.Write("\r" + line + "   ");
                    _drawn = true;
                }

                return;
            }

            int tenth = p.Total == 0 ? 10 : 10 * p.Done / p.Total;
            if (tenth > _lastTenth)
            {
                _lastTenth = tenth;
                _context.Out.WriteLine(line);
            }
        }
    }

    /// <summary>Ends the redrawn line, so that what follows starts on a line of its own.</summary>
    public void End()
    {
        lock (_gate)
        {
            if (_drawn)
            {
                _context.Out.WriteLine();
                _drawn = false;
            }
        }
    }
}
