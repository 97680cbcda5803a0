using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Ffr.MLNet.Balancing.Tests.Internal;

public sealed class MLNetInternalsTests
{
    [Fact]
    public void Settings_FromAnyCatalog_ReadSeedGpuAndFallback()
    {
        var ml = new MLContext(seed: 7) { GpuDeviceId = 2, FallbackToCpu = true, TempFilePath = "/tmp/ffr-elsewhere" };
        foreach (object catalog in new object[] { ml.MulticlassClassification.Trainers, ml.Transforms, ml.Data })
        {
            MLContextSettings settings = MLNetInternals.Settings(catalog);
            Assert.Equal((7, 2, true, "/tmp/ffr-elsewhere"), (settings.Seed, settings.GpuDeviceId, settings.FallbackToCpu, settings.TempFilePath));
        }

        MLContextSettings plain = MLNetInternals.Settings(new MLContext().Transforms);
        Assert.Equal(((int?)null, (int?)null, false), (plain.Seed, plain.GpuDeviceId, plain.FallbackToCpu));
    }

    [Fact]
    public void Settings_ChannelsOnTheEnvironment_ReachMLContextLog()
    {
        var ml = new MLContext(seed: 1);
        var messages = new List<string>();
        ml.Log += (_, e) =>
        {
            if (e.Source.Contains("FfrTest", StringComparison.Ordinal))
            {
                messages.Add(e.Message);
            }
        };

        using (IChannel channel = MLNetInternals.Settings(ml.Transforms).Environment.Start("FfrTest"))
        {
            channel.Info(MessageSensitivity.None, "hello from Ffr.MLNet");
        }

        Assert.Contains(messages, m => m.Contains("hello from Ffr.MLNet", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_NotACatalog_SaysWhichMlNetIsNeeded()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MLNetInternals.Settings(new object()));
        Assert.Contains("Use the Microsoft.ML version pinned in Ffr.MLNet's packages.", ex.Message);
    }
}
