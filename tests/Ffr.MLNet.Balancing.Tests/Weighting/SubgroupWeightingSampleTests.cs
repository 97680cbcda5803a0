using Ffr.MLNet.Samples;

namespace Ffr.MLNet.Balancing.Tests.Weighting;

/// <summary>Runs the subgroup-weighting sample: a built-in ML.NET multiclass trainer on tabular data.</summary>
public sealed class SubgroupWeightingSampleTests
{
    [Fact]
    public void Sample_SdcaWithSubgroupWeights_BeatsUnweightedOnWorstGroup_AndReloadsIdentically()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ffr-sample-{Guid.NewGuid():N}.zip");
        var output = new StringWriter();
        try
        {
            SampleResult result = SubgroupWeightingSample.Run(output, path);

            Assert.True(result.Weighted > result.Unweighted + 0.15, output.ToString());
            Assert.Equal(result.Weighted, result.Reloaded);
            Assert.Contains("cat    indoor       475           95.0%", output.ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
