using System.CommandLine;
using Ffr.MLNet.IO;

namespace Ffr.MLNet.Cli;

/// <summary>Output locations named on the command line, checked before the work starts rather than found unwritable after it.</summary>
internal static class Outputs
{
    /// <summary>Checks that the file (or folder) given with <paramref name="option"/> can be written; a command-line mistake (exit 2) when not.</summary>
    public static void Writable(Option option, string path, bool folder = false)
    {
        try
        {
            if (folder)
            {
                AtomicFile.EnsureWritableFolder(path);
            }
            else
            {
                AtomicFile.EnsureWritable(path);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{option.Name} '{path}' cannot be written: {ex.Message} Choose another path.");
        }

        string folderPath = folder ? Path.GetFullPath(path) : Path.GetDirectoryName(Path.GetFullPath(path))!;
        long free = new DriveInfo(folderPath).AvailableFreeSpace;
        if (free < MinimumFreeBytes)
        {
            throw new UserErrorException($"{option.Name} '{path}': the file system of '{folderPath}' is full ({free / 1024} KB free). Free some space, or choose another path.");
        }
    }

    /// <summary>Below this a file system is full for any output (a model zip of the smallest network is about 100 KB); above it, a write that does not fit fails atomically.</summary>
    private const long MinimumFreeBytes = 64 << 10;
}
