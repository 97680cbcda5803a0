using System.Diagnostics;
using Ffr.MLNet.Explanations;
using Ffr.MLNet.Images;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Onnx;
using TorchSharp;

namespace Ffr.MLNet.Trainers.Tests.Explanations;

[Collection(TorchCollection.Name)]
public sealed class RiseTests
{
    /// <summary>A grey 32x32 image with a bright 8x8 square in the top-left corner.</summary>
    private static RgbImage Image()
    {
        var image = new RgbImage(32, 32);
        for (int y = 0; y < 32; y++)
        {
            for (int x = 0; x < 32; x++)
            {
                byte v = (byte)(x < 8 && y < 8 ? 250 : 100);
                int o = (y * 32 + x) * 3;
                (image.Pixels[o], image.Pixels[o + 1], image.Pixels[o + 2]) = (v, v, v);
            }
        }

        return image;
    }

    /// <summary>A model that looks only at the top-left 8x8 region: class 0's score is its mean brightness.</summary>
    private static float[] CornerModel(float[] pixels, int batch)
    {
        var scores = new float[batch * 2];
        for (int b = 0; b < batch; b++)
        {
            double sum = 0;
            for (int y = 0; y < 8; y++)
            {
                for (int x = 0; x < 8; x++)
                {
                    sum += pixels[b * 3 * 1024 + y * 32 + x];
                }
            }

            float p = (float)(sum / 64 / 255);
            scores[b * 2] = p;
            scores[b * 2 + 1] = 1 - p;
        }

        return scores;
    }

    [Fact]
    public void Explain_ModelLookingAtOneRegion_HeatmapMassConcentratesThere()
    {
        SaliencyMap map = Rise.Explain(CornerModel, 2, Image(), new RiseOptions { Masks = 1000, Seed = 1 });
        float[] heat = map.PerClass[0];

        // RISE maps sit on a baseline (the mean score); the mass above the median must lie in the region.
        float median = heat.Order().ElementAt(heat.Length / 2);
        double inside = 0, total = 0;
        for (int i = 0; i < heat.Length; i++)
        {
            double excess = Math.Max(0, heat[i] - median);
            total += excess;
            if (i % 32 < 8 && i / 32 < 8)
            {
                inside += excess;
            }
        }

        // Half of it lands on 6% of the image (the masks' coarse cells spread it a few pixels around).
        Assert.True(inside / total > 0.35, $"{inside / total:P0} of the saliency above the median lies in the 8x8 region (6% of the image)");
        int hottest = Array.IndexOf(heat, heat.Max());
        Assert.InRange(hottest % 32, 0, 9);
        Assert.InRange(hottest / 32, 0, 9);
        Assert.Equal(0, map.PredictedClass);
    }

    [Fact]
    public void Explain_OnnxNetwork_ThousandMasksAt32x32_TakesSeconds_AndWritesAnOverlayPng()
    {
        torch.manual_seed(0);
        using ImageNetwork network = ImageNetwork.Create(NetworkArchitecture.SmallCnn, 4);
        network.Eval();
        byte[] onnx = OnnxExport.Export(network, 32, 32, new[] { 0.485f, 0.456f, 0.406f }, new[] { 0.229f, 0.224f, 0.225f });

        var watch = Stopwatch.StartNew();
        SaliencyMap map = Rise.Explain(onnx, new[] { Image() }, new RiseOptions { Masks = 1000, Seed = 2 })[0];
        Assert.True(watch.Elapsed.TotalSeconds < 60, $"RISE took {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(4, map.PerClass.Count);
        Assert.Equal(1, map.Probabilities.Sum(), 3);

        string path = Path.Combine(Path.GetTempPath(), $"ffr-rise-{Guid.NewGuid():N}.png");
        try
        {
            map.Overlay(Image(), map.PredictedClass).SavePng(path);
            RgbImage overlay = RgbImage.Load(path);
            Assert.Equal((256, 256), (overlay.Width, overlay.Height));
            Assert.True(overlay.Pixels.Distinct().Count() > 20, "the overlay is flat");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Explain_SameSeed_SameMap()
    {
        float[] a = Rise.Explain(CornerModel, 2, Image(), new RiseOptions { Masks = 50, Seed = 4 }).PerClass[0];
        float[] b = Rise.Explain(CornerModel, 2, Image(), new RiseOptions { Masks = 50, Seed = 4 }).PerClass[0];
        Assert.Equal(a, b);
    }
}
