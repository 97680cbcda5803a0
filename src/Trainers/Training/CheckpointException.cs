namespace Ffr.MLNet.Training;

/// <summary>What is wrong with a checkpoint file.</summary>
public enum CheckpointProblem
{
    /// <summary>The file is not an Ffr.MLNet checkpoint.</summary>
    NotACheckpoint,

    /// <summary>The checkpoint was made with other options or other data.</summary>
    OtherOptions,

    /// <summary>The file is truncated or its content is damaged.</summary>
    Damaged,
}

/// <summary>
/// A checkpoint in <see cref="FfrTrainerOptions.CheckpointDirectory"/> that training cannot resume
/// from. Nothing is loaded from such a file; the message names it and says how to start over.
/// </summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string path, CheckpointProblem problem, string message, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The checkpoint file.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it.</summary>
    public CheckpointProblem Problem { get; }
}
