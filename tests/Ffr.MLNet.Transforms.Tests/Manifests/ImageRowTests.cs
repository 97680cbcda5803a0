using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Transforms.Tests.Manifests;

public sealed class ImageRowTests
{
    [Theory]
    [InlineData("real", SampleSource.Real)]
    [InlineData(" Synthetic ", SampleSource.Synthetic)]
    [InlineData("fake", null)]
    public void ParseSource_AcceptsBothSpellingsOnly(string text, SampleSource? expected) =>
        Assert.Equal(expected, ImageRow.ParseSource(text));

    [Theory]
    [InlineData("TRAIN", DataSplit.Train)]
    [InlineData("val", DataSplit.Val)]
    [InlineData("test", DataSplit.Test)]
    [InlineData("holdout", null)]
    public void ParseSplit_AcceptsTheThreeSplitsOnly(string text, DataSplit? expected) =>
        Assert.Equal(expected, ImageRow.ParseSplit(text));

    [Fact]
    public void Format_ThenParse_RoundTrips()
    {
        foreach (SampleSource source in Enum.GetValues<SampleSource>())
        {
            Assert.Equal(source, ImageRow.ParseSource(ImageRow.Format(source)));
        }

        foreach (DataSplit split in Enum.GetValues<DataSplit>())
        {
            Assert.Equal(split, ImageRow.ParseSplit(ImageRow.Format(split)));
        }
    }
}
