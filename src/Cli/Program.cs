using System.Runtime.InteropServices;
using Ffr.MLNet.Cli;

// ONNX Runtime 1.29+ sends usage telemetry from Linux and macOS too, and writes a session file (.ses) into the
// temporary folder. A command-line tool that trains on private photographs does neither unless asked:
// set ORT_DISABLE_TELEMETRY=0 to keep ONNX Runtime's default.
NativeEnvironment.SetDefault("ORT_DISABLE_TELEMETRY", "1");

// How long libtorch's OpenMP threads spin before they sleep: 10,000 rounds on an idle machine, 1,000 on a busy one (OpenMpWaiting).
OpenMpWaiting.Choose();

using var cancellation = new CancellationTokenSource();
bool terminated = false;
Console.CancelKeyPress += (_, e) =>
{
    if (CliApp.StopsAfterStep && !cancellation.IsCancellationRequested)
    {
        e.Cancel = true; // first Ctrl+C: stop cleanly after the current step
        Console.Error.WriteLine("Stopping after the current step (press Ctrl+C again to abort)...");
        cancellation.Cancel();
    }
};

// SIGTERM (docker stop, kill, a job scheduler) stops the same way as Ctrl+C: after the current step, files whole.
// A command with no steps to finish, or a second signal, ends the process at once.
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    if (CliApp.StopsAfterStep && !cancellation.IsCancellationRequested)
    {
        context.Cancel = true;
        terminated = true;
        Console.Error.WriteLine("Terminated: stopping after the current step...");
        cancellation.Cancel();
    }
});

int code = CliApp.Run(args, new CliContext(Console.Out, Console.Error, !Console.IsOutputRedirected, cancellation.Token));
return code == CliApp.Cancelled && terminated ? CliApp.Terminated : code;
