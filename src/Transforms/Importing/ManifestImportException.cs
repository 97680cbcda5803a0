namespace Ffr.MLNet.Importing;

/// <summary>
/// A dataset's files do not fit the layout being imported: a file is missing, a column or attribute is
/// unknown, a value is outside the mapping, or nothing is left to import. The message names the file,
/// and the line and column where there is one.
/// </summary>
public sealed class ManifestImportException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong, naming the file (and line and column).</param>
    /// <param name="setting">The setting that fixes it: a property of the import's options, or <c>root</c> or <c>csvPath</c> for the argument; null when only the files can be fixed.</param>
    /// <param name="advice">How to fix it, in the library's terms.</param>
    public ManifestImportException(string problem, string? setting, string advice)
        : base($"{problem} {advice}")
    {
        Problem = problem;
        Setting = setting;
    }

    /// <summary>What is wrong, without the advice: for a caller that says how to fix it in its own terms (the command line names its options).</summary>
    public string Problem { get; }

    /// <summary>
    /// The setting that fixes it: the name of an options property (<c>TargetAttribute</c>, <c>SplitValues</c>, ...),
    /// <c>root</c> (the dataset folder) or <c>csvPath</c>; null when the files themselves are damaged or of another layout.
    /// </summary>
    public string? Setting { get; }
}
