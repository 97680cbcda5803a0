namespace Ffr.MLNet.Cli.Tests;

/// <summary>ffr benchmark-data's mistakes; what it writes is asserted where the shared data is made (<see cref="CliData"/>).</summary>
public sealed class BenchmarkDataCommandTests
{
    [Theory]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--bias-rate", "abc" }, 2, "ffr benchmark-data: --bias-rate 'abc' is not a number above 0.5 and below 1.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--bias-rate", "1.5" }, 2, "ffr benchmark-data: --bias-rate '1.5' is not a number above 0.5 and below 1.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--seed", "2147483648" }, 2, "ffr benchmark-data: --seed '2147483648' is not a whole number from -2147483648 to 2147483647.")]
    [InlineData(new[] { "benchmark-data", "--out", "/tmp/ffr-x", "--seed", "1", "--seed", "2" }, 2, "ffr benchmark-data: Option '--seed' is given more than once; give it once.")]
    public void UserErrors_OneMessageAndExitCode_NoStackTrace(string[] args, int code, string message) => Ffr.AssertFails(args, code, message);
}
