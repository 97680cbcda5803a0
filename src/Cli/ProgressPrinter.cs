using System.Globalization;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Shows training progress: on a terminal, one line redrawn in place (phase, epoch, a bar over the
/// epoch's steps, loss, time left); when redirected, only one plain line per epoch.
/// </summary>
internal sealed class ProgressPrinter : IProgress<TrainingProgress>
{
    private readonly CliContext _context;
    private readonly string _label;
    private DateTime _lastDraw = DateTime.MinValue;

    public ProgressPrinter(CliContext context, string label)
    {
        _context = context;
        _label = label;
    }

    public void Report(TrainingProgress p)
    {
        if (p.IsEpochEnd)
        {
            string line = p.Detail is string detail
                ? string.Create(CultureInfo.InvariantCulture,
                    $"{_label} {p.Phase} round {p.Epoch}/{p.Epochs} ({detail}): held-out worst-group {p.ValidationWorstGroupAccuracy:0.000}, {Time(p.Elapsed)} elapsed, ~{Time(p.Remaining)} left")
                : string.Create(CultureInfo.InvariantCulture,
                    $"{_label} {p.Phase} epoch {p.Epoch}/{p.Epochs}: loss {p.Loss:0.000}, validation worst-group {p.ValidationWorstGroupAccuracy:0.000}, balanced {p.ValidationBalancedAccuracy:0.000}, {Time(p.Elapsed)} elapsed, ~{Time(p.Remaining)} left");
            _context.Out.WriteLine(_context.Interactive ? "\r" + line.PadRight(Console.WindowWidth > 0 ? Math.Min(Console.WindowWidth - 1, 150) : 0) : line);
            return;
        }

        if (!_context.Interactive || (DateTime.UtcNow - _lastDraw).TotalMilliseconds < 200)
        {
            return;
        }

        _lastDraw = DateTime.UtcNow;
        string what = p.Detail is string about
            ? $"round {p.Epoch}/{p.Epochs} [{Bar(p.Step, p.Steps)}] {p.Step}/{p.Steps} {about}"
            : $"epoch {p.Epoch}/{p.Epochs} [{Bar(p.Step, p.Steps)}] {p.Step}/{p.Steps} loss {p.Loss:0.000}";
        _context.Out.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_label} {p.Phase} {what} ~{Time(p.Remaining)} left   "));
    }

    /// <summary>A 24-character bar, '#' for the part done.</summary>
    internal static string Bar(int done, int total)
    {
        const int width = 24;
        int filled = total == 0 ? 0 : Math.Clamp(width * done / total, 0, width);
        return new string('#', filled) + new string('.', width - filled);
    }

    internal static string Time(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
