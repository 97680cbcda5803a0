using System.Runtime.InteropServices;
using Ffr.MLNet.Cli;

// ONNX Runtime 1.29+ sends usage telemetry from Linux and macOS too, and writes a session file (.ses) into the
// temporary folder. A command-line tool that trains on private photographs does neither unless asked:
// set ORT_DISABLE_TELEMETRY=0 to keep ONNX Runtime's default.
NativeEnvironment.SetDefault("ORT_DISABLE_TELEMETRY", "1");

// libtorch's OpenMP threads wait for work by spinning for a while (GNU OpenMP's default). On a 2-core machine doing
// anything else besides, a thread spins while the one it waits for is descheduled: the small CNN's 1 + 1 epochs took
// 31-70 s instead of 12 s at a load of 5 (docs/benchmarks.md). Passive waiting costs little on an idle machine.
// Set OMP_WAIT_POLICY=ACTIVE to keep the spinning.
NativeEnvironment.SetDefault("OMP_WAIT_POLICY", "PASSIVE");

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
