using Ffr.MLNet.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (!cancellation.IsCancellationRequested)
    {
        e.Cancel = true; // first Ctrl+C: stop cleanly after the current step
        Console.Error.WriteLine("Stopping after the current step (press Ctrl+C again to abort)...");
        cancellation.Cancel();
    }
};

return CliApp.Run(args, new CliContext(Console.Out, Console.Error, !Console.IsOutputRedirected, cancellation.Token));
