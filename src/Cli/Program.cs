using System.Runtime.InteropServices;
using Ffr.MLNet.Cli;

// ONNX Runtime 1.29+ sends usage telemetry from Linux and macOS too, and writes a session file (.ses) into the
// temporary folder. A command-line tool that trains on private photographs does neither unless asked:
// set ORT_DISABLE_TELEMETRY=0 to keep ONNX Runtime's default.
NativeEnvironment.SetDefault("ORT_DISABLE_TELEMETRY", "1");

// libtorch's OpenMP threads (GNU OpenMP on Linux) wait for work by spinning, 300,000 rounds by default. On a 2-core
// machine doing anything else besides, a thread spins while the one it waits for is descheduled: the small CNN's
// 1 + 1 epochs took 31-70 s instead of 12-17 s at a load of 5. 1,000 rounds keep an idle machine's speed (4 + 2 epochs
// in 13.9-15.4 s against 13.2-14.9 s spinning) and a loaded one's (17.5 s against 16.4 s waiting passively); see
// docs/benchmarks.md. Set GOMP_SPINCOUNT or OMP_WAIT_POLICY to choose otherwise.
if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null)
{
    NativeEnvironment.SetDefault("GOMP_SPINCOUNT", "1000");
}

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
