using Ffr.MLNet.Networks;
using TorchSharp;
using static TorchSharp.torch;

namespace Ffr.MLNet.Trainers.Tests.Networks;

[Collection(TorchCollection.Name)]
public sealed class LibTorchSmokeTests
{
    [Fact]
    public void LibTorch_Loads_AndReportsCpu()
    {
        Assert.True(torch.TryInitializeDeviceType(DeviceType.CPU));
        using Tensor t = torch.ones(2, 3);
        Assert.Equal(6f, t.sum().item<float>());
    }

    [Fact]
    public void SmallCnn_TrainingSteps_ReduceLossOnFixedBatch()
    {
        torch.manual_seed(1);
        using var model = new SmallCnn(numClasses: 4);
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-2);
        using Tensor x = torch.randn(16, 3, 28, 28);
        using Tensor y = torch.arange(16, dtype: ScalarType.Int64) % 4;

        float first = 0, last = 0;
        for (int step = 0; step < 20; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            float value = loss.item<float>();
            if (step == 0)
            {
                first = value;
            }

            last = value;
        }

        Assert.True(last < first * 0.5f, $"loss went from {first} to {last}; training is not working.");
    }

    [Fact]
    public void SmallCnn_Features_HaveFeatureSizeColumns()
    {
        using var model = new SmallCnn(numClasses: 3, width: 8);
        model.eval();
        using var noGrad = torch.no_grad();
        using Tensor x = torch.zeros(5, 3, 32, 32);
        using Tensor f = model.Features(x);
        Assert.Equal(new long[] { 5, model.FeatureSize }, f.shape);
    }
}
