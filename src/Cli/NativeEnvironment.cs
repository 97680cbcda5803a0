using System.Runtime.InteropServices;

namespace Ffr.MLNet.Cli;

/// <summary>
/// Environment variables that native libraries read with getenv. On Linux and macOS .NET keeps its own
/// copy of the environment, so Environment.SetEnvironmentVariable does not reach them; libc's setenv does.
/// </summary>
internal static partial class NativeEnvironment
{
    /// <summary>Sets <paramref name="name"/> for this process and its native libraries, unless the user has set it.</summary>
    public static void SetDefault(string name, string value)
    {
        if (Environment.GetEnvironmentVariable(name) is not null)
        {
            return;
        }

        Environment.SetEnvironmentVariable(name, value);
        if (!OperatingSystem.IsWindows())
        {
            _ = SetEnv(name, value, overwrite: 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
