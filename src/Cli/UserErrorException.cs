namespace Ffr.MLNet.Cli;

/// <summary>A mistake of the user's: printed as one message, exit code 2, no stack trace.</summary>
internal sealed class UserErrorException : Exception
{
    public UserErrorException(string message)
        : base(message)
    {
    }
}
