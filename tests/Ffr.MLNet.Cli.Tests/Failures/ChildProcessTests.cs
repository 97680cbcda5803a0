using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Ffr.MLNet.Cli.Tests.Failures;

/// <summary>The tool as a separate process, as users run it: its temporary files and its signals.</summary>
[Collection(CliCollection.Name)]
public sealed partial class ChildProcessTests
{
    private const int Sigterm = 15;

    private readonly CliData _data;

    public ChildProcessTests(CliData data) => _data = data;

    [Fact]
    public void TrainEvaluateExplainExport_LeaveTheTempFolderEmpty()
    {
        string temp = Directory.CreateTempSubdirectory("ffr-tmpdir-").FullName;
        string work = Path.Combine(_data.Folder, "tmpdir-run");
        var environment = new Dictionary<string, string> { ["TMPDIR"] = temp };
        string model = Path.Combine(work, "model.zip");
        string image = Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "red")).First();
        string[][] commands =
        {
            new[] { "train", "--manifest", _data.SmallManifest, "--strategy", "ffr", "--method", "dfr", "--epochs", "1", "--fine-tuning-epochs", "1", "--model-out", model },
            new[] { "evaluate", "--model", model, "--manifest", _data.SmallManifest },
            new[] { "explain", "--model", model, "--image", image, "--out", Path.Combine(work, "rise"), "--masks", "20" },
            new[] { "export", "--model", model, "--onnx", Path.Combine(work, "model.onnx") },
        };

        try
        {
            foreach (string[] command in commands)
            {
                var (code, _, error) = ChildProcess.Run("ffr.dll", command, environment: environment);
                Assert.True(code == 0, $"ffr {command[0]}: exit {code}: {error}");
                Assert.True(Directory.GetFileSystemEntries(temp).Length == 0, $"ffr {command[0]} left {string.Join(", ", Directory.GetFileSystemEntries(temp))} in TMPDIR");
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    [Fact]
    public void Train_Sigterm_StopsAfterTheStep_Exit143_CheckpointWhole_NoModelNoTemporary()
    {
        string work = Path.Combine(_data.Folder, "sigterm-run");
        string checkpoints = Path.Combine(work, "checkpoints");
        string checkpoint = Path.Combine(checkpoints, "ffr-checkpoint.bin");
        string model = Path.Combine(work, "model.zip");
        using Process ffr = ChildProcess.Start("ffr.dll", new[]
        {
            "train", "--manifest", _data.Manifest, "--strategy", "none", "--epochs", "1000", "--model-out", model, "--checkpoint-dir", checkpoints,
        });
        try
        {
            StopAfterFirstCheckpoint(ffr, checkpoints, checkpoint, model, work);
        }
        finally
        {
            if (!ffr.HasExited)
            {
                ffr.Kill(); // a failed test leaves no training behind
            }
        }
    }

    private static void StopAfterFirstCheckpoint(Process ffr, string checkpoints, string checkpoint, string model, string work)
    {
        var output = new System.Text.StringBuilder();
        var error = new System.Text.StringBuilder();
        ffr.OutputDataReceived += (_, e) => output.AppendLine(e.Data);
        ffr.ErrorDataReceived += (_, e) => error.AppendLine(e.Data);
        ffr.BeginOutputReadLine();
        ffr.BeginErrorReadLine();

        // The first epoch's checkpoint marks the middle of the run.
        var waited = Stopwatch.StartNew();
        while (!File.Exists(checkpoint) && !ffr.HasExited && waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            Thread.Sleep(20);
        }

        Assert.True(File.Exists(checkpoint) && !ffr.HasExited, $"no running training with a first checkpoint: {error}");
        Assert.True(Kill(ffr.Id, Sigterm) == 0, $"kill({ffr.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        Assert.True(ffr.WaitForExit(60_000), "ffr did not stop within a minute of SIGTERM");
        ffr.WaitForExit(); // the output events are complete
        Assert.True(ffr.ExitCode == 143, $"exit {ffr.ExitCode}: {error}{output}");
        Assert.Contains("Terminated: stopping after the current step", error.ToString());
        Assert.Contains("ffr train: stopped.", error.ToString());
        Assert.False(File.Exists(model));
        Assert.Equal(new[] { checkpoint }, Directory.GetFiles(checkpoints));
        Assert.Empty(Directory.GetFiles(work, "*.tmp", SearchOption.AllDirectories));
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
