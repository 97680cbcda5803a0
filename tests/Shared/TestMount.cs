using System.Diagnostics;

namespace Ffr.MLNet.Tests;

/// <summary>
/// A small tmpfs mounted for one test, to make writes fail for real: full (a filler file takes the
/// free space) or read-only (remounted). Needs root and mount rights, as CI and the developers'
/// machines have; elsewhere <see cref="TryCreate"/> says why not, and the test is skipped with that reason.
/// </summary>
internal sealed class TestMount : IDisposable
{
    private TestMount(string folder) => Folder = folder;

    /// <summary>The mounted folder.</summary>
    public string Folder { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KB, or returns null with the reason it could not.</summary>
    public static TestMount? TryCreate(int kilobytes, out string reason)
    {
        string folder = Directory.CreateTempSubdirectory("ffr-mount-").FullName;
        (int code, string error) = Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", folder);
        if (code != 0)
        {
            Directory.Delete(folder);
            reason = $"cannot mount a tmpfs here (needs root and mount rights): {error.Trim()}";
            return null;
        }

        reason = string.Empty;
        return new TestMount(folder);
    }

    /// <summary>Fills the file system, leaving about <paramref name="freeBytes"/> free.</summary>
    public void Fill(long freeBytes = 0)
    {
        var drive = new DriveInfo(Folder);
        long size = Math.Max(0, drive.AvailableFreeSpace - freeBytes);
        using var filler = new FileStream(Path.Combine(Folder, ".filler"), FileMode.Create);
        var block = new byte[4096];
        for (long written = 0; written + block.Length <= size; written += block.Length)
        {
            filler.Write(block);
        }
    }

    /// <summary>Remounts read-only: every write fails with EROFS, even for root.</summary>
    public void MakeReadOnly()
    {
        (int code, string error) = Run("mount", "-o", "remount,ro", Folder);
        if (code != 0)
        {
            throw new InvalidOperationException($"remount read-only failed: {error}");
        }
    }

    /// <summary>Files the writers left behind, other than <paramref name="expected"/> and the filler (temporaries, half files).</summary>
    public string[] OtherFiles(params string[] expected) =>
        Directory.GetFiles(Folder, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != ".filler" && !expected.Contains(f))
            .ToArray();

    public void Dispose()
    {
        Run("umount", Folder);
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Still mounted (busy): the next boot's tmp cleaning removes it.
        }
    }

    private static (int Code, string Error) Run(string file, params string[] args)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string arg in args)
            {
                start.ArgumentList.Add(arg);
            }

            using Process process = Process.Start(start)!;
            string error = process.StandardError.ReadToEnd();
            process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
