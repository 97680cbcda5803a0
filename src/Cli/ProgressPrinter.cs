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
        int width = 24;
        int filled = p.Steps == 0 ? 0 : width * p.Step / p.Steps;
        string bar = new string('#', filled) + new string('.', width - filled);
        string what = p.Detail is string about ? $"round {p.Epoch}/{p.Epochs} [{bar}] {p.Step}/{p.Steps} {about}" : $"epoch {p.Epoch}/{p.Epochs} [{bar}] {p.Step}/{p.Steps} loss {p.Loss:0.000}";
        _context.Out.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_label} {p.Phase} {what} ~{Time(p.Remaining)} left   "));
    }

    private static string Time(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
