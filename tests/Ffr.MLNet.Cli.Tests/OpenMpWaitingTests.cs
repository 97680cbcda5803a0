namespace Ffr.MLNet.Cli.Tests;

/// <summary>How the ffr process chooses libgomp's spin: busy only when another task was runnable in every sample.</summary>
public sealed class OpenMpWaitingTests
{
    [Theory]
    [InlineData("0.12 0.30 0.25 2/345 6789", 2)]
    [InlineData("5.57 3.75 2.62 7/345 12345\n", 7)]
    [InlineData("0.00 0.00 0.00 1/78 508", 1)]
    public void ParseRunnable_ReadsTheFourthField(string line, int expected) =>
        Assert.Equal(expected, OpenMpWaiting.ParseRunnable(line));

    [Theory]
    [InlineData("")]
    [InlineData("0.12 0.30 0.25")]
    [InlineData("0.12 0.30 0.25 x/345 6789")]
    [InlineData("0.12 0.30 0.25 /345 6789")]
    [InlineData("0.12 0.30 0.25 -2/345 6789")]
    [InlineData("0.00 0.00 0.00 0/0 0")] // the reading thread is always runnable: a count of 0 is not real (gVisor)
    public void ParseRunnable_SomethingElse_IsNull(string line) => Assert.Null(OpenMpWaiting.ParseRunnable(line));

    [Theory]
    [InlineData(new[] { 1, 1, 1, 1, 1 }, false)] // only the reading thread
    [InlineData(new[] { 2, 1, 3, 2, 2 }, false)] // this process's own threads come and go
    [InlineData(new[] { 2, 2, 2, 2, 2 }, true)]  // another task, all along
    [InlineData(new[] { 6, 7, 6, 6, 8 }, true)]  // a load of 5
    [InlineData(new int[0], true)]               // unreadable: the spin that is safe on a busy machine
    public void IsBusy_OnlyWhenAnotherTaskWasRunnableInEverySample(int[] samples, bool busy) =>
        Assert.Equal(busy, OpenMpWaiting.IsBusy(samples));

    [Theory]
    [InlineData(null, null, new[] { 1, 1, 1, 1, 1 }, "10000")]
    [InlineData(null, null, new[] { 2, 2, 3, 2, 2 }, "1000")]
    [InlineData(null, null, new int[0], "1000")]
    [InlineData("PASSIVE", null, new[] { 1, 1, 1, 1, 1 }, null)]
    [InlineData(null, "300000", new[] { 2, 2, 2, 2, 2 }, null)]
    [InlineData(null, "", new[] { 1, 1, 1, 1, 1 }, null)] // set, even if empty: libgomp reads it, so it is the user's choice
    public void SpinCount_ByTheSamples_UnlessTheUserChose(string? waitPolicy, string? spinCount, int[] samples, string? expected)
    {
        bool sampled = false;
        Assert.Equal(expected, OpenMpWaiting.SpinCount(waitPolicy, spinCount, () => { sampled = true; return samples; }));
        Assert.Equal(expected is not null, sampled); // no sampling (and no 12 ms) when the user chose
    }

    [SkippableFact]
    public void RunnableNow_ReadsThisMachine()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "/proc/loadavg is Linux's");
        IReadOnlyList<int> samples = OpenMpWaiting.RunnableNow();
        Assert.Equal(5, samples.Count);
        Assert.All(samples, s => Assert.True(s >= 1, $"{s} runnable: the reading thread itself is one"));
    }
}
