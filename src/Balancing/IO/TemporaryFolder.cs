using System.Diagnostics;

namespace Ffr.MLNet.IO;

/// <summary>
/// A private folder for temporary files, deleted with everything in it when disposed. Give its
/// <see cref="Path"/> to <c>MLContext.TempFilePath</c> before loading or building models with ONNX
/// steps: ML.NET 5's OnnxTransformer copies its network into that folder and, when the transformer is
/// built from bytes or loaded from a zip, leaves the copy behind even once disposed. Ffr.MLNet's
/// trained models own such a folder; the <c>ffr</c> tool gives one to every command. A folder left by a
/// process that was killed (its name carries the process id) is deleted by the next
/// <see cref="Create"/> in the same parent folder.
/// </summary>
public sealed class TemporaryFolder : IDisposable
{
    private const string Prefix = "ffr-tmp-";

    private TemporaryFolder(string path) => Path = path;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <summary>Creates a new private folder in <paramref name="parent"/> (null: the system's temporary folder).</summary>
    public static TemporaryFolder Create(string? parent = null)
    {
        string root = System.IO.Path.GetFullPath(parent ?? System.IO.Path.GetTempPath());
        DeleteAbandoned(root);
        string path = System.IO.Path.Combine(root, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TemporaryFolder(path);
    }

    /// <summary>Deletes the folder and its files; a file still held open elsewhere (Windows) is left, not reported.</summary>
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Still in use: the next Create in the same parent removes it once its process has ended.
        }
    }

    private static void DeleteAbandoned(string root)
    {
        string[] folders;
        try
        {
            folders = Directory.Exists(root) ? Directory.GetDirectories(root, Prefix + "*") : Array.Empty<string>();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string folder in folders)
        {
            if (OwnerHasEnded(System.IO.Path.GetFileName(folder)[Prefix.Length..]))
            {
                new TemporaryFolder(folder).Dispose();
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="owner"/>, "&lt;process id&gt;-&lt;32 hex digits&gt;" as the names of temporary
    /// files and folders carry it, names a process that has ended: what was left behind was abandoned.
    /// Names of any other shape are never ours, and never deleted.
    /// </summary>
    internal static bool OwnerHasEnded(string owner)
    {
        int dash = owner.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && int.TryParse(owner[..dash], out int pid) && Guid.TryParseExact(owner[(dash + 1)..], "N", out _) && !IsRunning(pid);
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using Process process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
