using Ffr.MLNet.IO;

namespace Ffr.MLNet.Cli;

/// <summary>Output locations named on the command line, checked before the work starts rather than found unwritable after it.</summary>
internal static class Outputs
{
    /// <summary>Checks that the file (or folder) given with <c>--<paramref name="option"/></c> can be written; a command-line mistake (exit 2) when not.</summary>
    public static void Writable(string option, string path, bool folder = false)
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
            throw new UserErrorException($"--{option} '{path}' cannot be written: {ex.Message} Choose another path.");
        }
    }
}
