using System.Collections.Concurrent;
using System.Text;

namespace Ffr.MLNet.IO;

/// <summary>
/// Writes files so that a failure never damages what was there: the content goes to a temporary
/// file in the target's folder (<c>.name.&lt;process&gt;-&lt;random&gt;.tmp</c>), is flushed to disk, and
/// is then renamed over the target, which on one file system replaces it in one step. A full disk,
/// a missing permission, an exception in the writer or a kill leaves the previous file byte for byte
/// as it was. The temporary file is deleted on any failure the process survives; one left behind by a
/// killed process is deleted by the next write of the same target. Every file Ffr.MLNet writes goes
/// through here.
/// </summary>
public static class AtomicFile
{
    private const string TempSuffix = ".tmp";
    private static readonly ConcurrentDictionary<string, bool> Cleaned = new(StringComparer.Ordinal);

    /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>, atomically.</summary>
    /// <param name="path">The file to create or replace; its folder is created when missing.</param>
    /// <param name="write">Writes the whole content to the stream it is given (do not dispose it).</param>
    /// <exception cref="IOException">The target is a folder, or the file system refused the write (the message names the file); the previous file is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the previous file is untouched.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string folder = PrepareFolder(full);
        DeleteAbandonedTemporaries(folder);
        string temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}-{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch (IOException ex)
        {
            TryDelete(temp);
            throw new IOException($"Could not write '{full}': {Reason(ex, temp)}. The previous file, if any, is unchanged.", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            TryDelete(temp);
            throw new UnauthorizedAccessException($"Could not write '{full}': the folder is not writable ({Reason(ex, temp)}). The previous file, if any, is unchanged.", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/>, atomically.</summary>
    /// <inheritdoc cref="Write(string, Action{Stream})" path="/exception"/>
    public static void WriteBytes(string path, ReadOnlySpan<byte> bytes)
    {
        byte[] copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte order mark to <paramref name="path"/>, atomically.</summary>
    /// <inheritdoc cref="Write(string, Action{Stream})" path="/exception"/>
    public static void WriteText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteBytes(path, new UTF8Encoding(false).GetBytes(text));
    }

    /// <summary>
    /// Checks, before long work starts, that <paramref name="path"/> can be written later: it is not a
    /// folder, its folder exists or can be created (it is created), and a file can be created there (the
    /// probe file is deleted).
    /// </summary>
    /// <exception cref="IOException">The path is a folder, or a file stands where a folder is needed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void EnsureWritable(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        EnsureWritableFolder(PrepareFolder(full));
    }

    /// <summary>Checks that <paramref name="folder"/> is a folder (created when missing) in which files can be created.</summary>
    /// <exception cref="IOException">A file stands where the folder should be, or the file system refused the probe.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public static void EnsureWritableFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string full = Path.GetFullPath(folder);
        if (File.Exists(full))
        {
            throw new IOException($"'{full}' is a file, but a folder is needed there.");
        }

        try
        {
            Directory.CreateDirectory(full);
        }
        catch (IOException ex)
        {
            throw new IOException($"Could not create the folder '{full}' ({Reason(ex, full)}).", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"Could not create the folder '{full}' ({Reason(ex, full)}).", ex);
        }

        string probeTemp = Path.Combine(full, $".ffr-write-probe.{Environment.ProcessId}-{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            using (new FileStream(probeTemp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new UnauthorizedAccessException($"The folder '{full}' is not writable ({Reason(ex, probeTemp)}).", ex);
        }
        catch (IOException ex)
        {
            throw new IOException($"Files cannot be created in the folder '{full}' ({Reason(ex, probeTemp)}).", ex);
        }
    }

    private static string PrepareFolder(string full)
    {
        if (Directory.Exists(full))
        {
            throw new IOException($"'{full}' is a folder; give the path of a file to write.");
        }

        string folder = Path.GetDirectoryName(full) ?? throw new IOException($"'{full}' has no folder to write in.");
        if (File.Exists(folder))
        {
            throw new IOException($"'{folder}' is a file, so '{Path.GetFileName(full)}' cannot be written inside it.");
        }

        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>
    /// Deletes the temporaries in <paramref name="folder"/> whose writing process no longer runs (it was
    /// killed mid-write): once per folder and process, on the first write into it, so that writing
    /// thousands of files into one folder does not list it thousands of times.
    /// </summary>
    private static void DeleteAbandonedTemporaries(string folder)
    {
        if (!Cleaned.TryAdd(folder, true))
        {
            return;
        }

        string[] candidates;
        try
        {
            candidates = Directory.GetFiles(folder, ".*" + TempSuffix);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (string candidate in candidates)
        {
            // .<name>.<process id>-<random>.tmp: the owner is the last dot-separated part.
            string name = Path.GetFileName(candidate)[..^TempSuffix.Length];
            if (TemporaryFolder.OwnerHasEnded(name[(name.LastIndexOf('.') + 1)..]))
            {
                TryDelete(candidate);
            }
        }
    }

    /// <summary>The system's reason without the path it names (our temporary file means nothing to the reader; the target is named already).</summary>
    private static string Reason(Exception ex, string temporary) =>
        ex.Message.Replace($" : '{temporary}'", string.Empty, StringComparison.Ordinal).Replace($"'{temporary}'", "a temporary file", StringComparison.Ordinal).TrimEnd('.', ' ');

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the next write of the same target removes it.
        }
    }
}
