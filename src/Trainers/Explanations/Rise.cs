using Ffr.MLNet.Images;
using Ffr.MLNet.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ffr.MLNet.Explanations;

/// <summary>
/// RISE saliency (Petsiuk, Das, Saenko, 2018): N random binary grids of GridSize x GridSize cells
/// (each kept with probability p) are upsampled bilinearly to (cells + 1) x the cell size and
/// cropped at a random shift to the input size; the model scores the image multiplied by each
/// mask; a class's map is the score-weighted mean of the masks, divided by p. Works on any model
/// that maps planar RGB pixels (0..255) to class probabilities, such as a saved Ffr.MLNet model's
/// ONNX network.
/// </summary>
public static class Rise
{
    /// <summary>Explains <paramref name="images"/> with the ONNX network of an Ffr.MLNet model (see <c>ModelFile.ExtractOnnx</c>); images are resized to the network input.</summary>
    public static IReadOnlyList<SaliencyMap> Explain(byte[] onnxModel, IReadOnlyList<RgbImage> images, RiseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(images);
        using var session = new InferenceSession(onnxModel);
        NodeMetadata input = session.InputMetadata[OnnxExport.InputName];
        int side = (int)Math.Round(Math.Sqrt(input.Dimensions[^1] / 3.0));
        int classes = session.OutputMetadata[OnnxExport.ScoreName].Dimensions[^1];
        float[] Score(float[] pixels, int batch)
        {
            var tensor = new DenseTensor<float>(pixels, new[] { batch, 3 * side * side });
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, tensor) });
            return results.First(r => r.Name == OnnxExport.ScoreName).AsEnumerable<float>().ToArray();
        }

        return images.Select(image => Explain(Score, classes, image.ResizeFill(side, side), options)).ToArray(); // as the model zip resizes
    }

    /// <summary>
    /// Explains <paramref name="image"/> with any scorer: <paramref name="score"/> takes a batch of
    /// planar RGB images (0..255, batch x 3 x H x W floats) and returns batch x classes probabilities.
    /// </summary>
    public static SaliencyMap Explain(Func<float[], int, float[]> score, int classes, RgbImage image, RiseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(score);
        ArgumentNullException.ThrowIfNull(image);
        options ??= new RiseOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Masks, nameof(options.Masks));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.GridSize, nameof(options.GridSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options.BatchSize));
        if (!(options.KeepProbability > 0 && options.KeepProbability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.KeepProbability, "KeepProbability must be in (0, 1].");
        }

        int w = image.Width, h = image.Height, plane = w * h;
        var planar = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                planar[c * plane + i] = image.Pixels[i * 3 + c];
            }
        }

        float[] probabilities = score(planar, 1);
        var saliency = new double[classes, plane];
        var random = new Random(options.Seed);
        for (int start = 0; start < options.Masks; start += options.BatchSize)
        {
            int batch = Math.Min(options.BatchSize, options.Masks - start);
            var masks = new float[batch][];
            var inputs = new float[batch * 3 * plane];
            for (int m = 0; m < batch; m++)
            {
                masks[m] = Mask(random, options.GridSize, options.KeepProbability, w, h);
                for (int c = 0; c < 3; c++)
                {
                    for (int i = 0; i < plane; i++)
                    {
                        inputs[(m * 3 + c) * plane + i] = planar[c * plane + i] * masks[m][i];
                    }
                }
            }

            float[] scores = score(inputs, batch);
            for (int m = 0; m < batch; m++)
            {
                for (int k = 0; k < classes; k++)
                {
                    float s = scores[m * classes + k];
                    for (int i = 0; i < plane; i++)
                    {
                        saliency[k, i] += s * masks[m][i];
                    }
                }
            }
        }

        var perClass = new float[classes][];
        for (int k = 0; k < classes; k++)
        {
            perClass[k] = new float[plane];
            for (int i = 0; i < plane; i++)
            {
                perClass[k][i] = (float)(saliency[k, i] / (options.Masks * options.KeepProbability));
            }
        }

        return new SaliencyMap(w, h, perClass, probabilities);
    }

    /// <summary>A coarse random binary grid, upsampled bilinearly and cropped at a random shift.</summary>
    private static float[] Mask(Random random, int grid, double keep, int width, int height)
    {
        var cells = new float[grid + 1, grid + 1];
        for (int y = 0; y <= grid; y++)
        {
            for (int x = 0; x <= grid; x++)
            {
                cells[y, x] = random.NextDouble() < keep ? 1f : 0f;
            }
        }

        double cellW = (double)width / grid, cellH = (double)height / grid;
        double shiftX = random.NextDouble() * cellW, shiftY = random.NextDouble() * cellH;
        var mask = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            double gy = Math.Min((y + shiftY) / cellH, grid - 1e-9);
            int y0 = (int)gy;
            double fy = gy - y0;
            for (int x = 0; x < width; x++)
            {
                double gx = Math.Min((x + shiftX) / cellW, grid - 1e-9);
                int x0 = (int)gx;
                double fx = gx - x0;
                double top = cells[y0, x0] * (1 - fx) + cells[y0, x0 + 1] * fx;
                double bottom = cells[y0 + 1, x0] * (1 - fx) + cells[y0 + 1, x0 + 1] * fx;
                mask[y * width + x] = (float)(top * (1 - fy) + bottom * fy);
            }
        }

        return mask;
    }
}
