namespace Ffr.MLNet.IO;

/// <summary>
/// The one check every reader makes before opening a file it was given: the path exists and is a
/// file, not a folder. The message names what the file is for and ends with the caller's advice, so
/// a library user and a command-line user each read how to fix it in their own terms.
/// </summary>
public static class InputFile
{
    /// <summary>Returns the full path of <paramref name="path"/> when it is an existing file.</summary>
    /// <param name="path">The path given by the user.</param>
    /// <param name="what">What the file is, capitalised, for the message: "Manifest", "Model".</param>
    /// <param name="advice">A sentence saying what to pass instead.</param>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    /// <exception cref="IOException">The path is a folder.</exception>
    public static string Require(string path, string what, string advice)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(what);
        ArgumentNullException.ThrowIfNull(advice);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new IOException($"{what} '{path}' is a folder, not a file. {advice}");
        }

        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"{what} '{path}' was not found. {advice}", full);
        }

        return full;
    }
}
