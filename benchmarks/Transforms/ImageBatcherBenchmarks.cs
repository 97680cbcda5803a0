using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Ffr.MLNet.Batching;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Manifests;

namespace Ffr.MLNet.Benchmarks.Transforms;

/// <summary>
/// One epoch over a 100,000-row manifest of 32x32 PNG files at batch 64 (1,563 batches), decoding
/// in parallel with the prefetch queue on (3 batches ahead) and off. Batches per second =
/// 1,563 / mean time. Peak working set is printed at the end of each run. A smoke run reads 2,000 rows.
/// </summary>
[MemoryDiagnoser]
[InProcessJob(RunStrategy.Monitoring, warmupCount: 1, iterationCount: 3)]
public class ImageBatcherBenchmarks
{
    private static int Rows => Smoke.Pick(100_000, 2_000);
    private string _folder = null!;
    private IReadOnlyList<ImageRow> _rows = null!;

    [Params(0, 3)]
    public int PrefetchBatches { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), $"ffr-batcher-bench-{Rows}");
        string manifestPath = Path.Combine(_folder, "manifest.csv");
        if (!File.Exists(manifestPath))
        {
            // 100,000 files: the benchmark dataset's 4,040 real training images, written over and over (2,000 of them in a smoke run).
            BenchmarkDataset data = BenchmarkDataset.Create();
            byte[][] pngs = data.Train.Select(r => r.Image!.EncodePng()).ToArray();
            Directory.CreateDirectory(Path.Combine(_folder, "img"));
            var rows = new ImageRow[Rows];
            Parallel.For(0, Rows, i =>
            {
                string path = Path.Combine(_folder, "img", $"{i:D6}.png");
                File.WriteAllBytes(path, pngs[i % pngs.Length]);
                ImageRow source = data.Train[i % pngs.Length];
                rows[i] = source with { ImagePath = path, Image = null };
            });
            ImageManifest.FromRows(rows, _folder).Save(manifestPath);
        }

        _rows = ImageManifest.Load(manifestPath, new ManifestLoadOptions { VerifyImages = false }).Rows;
    }

    [Benchmark]
    public int Epoch()
    {
        var batcher = new ImageBatcher(_rows, new ImageBatcherOptions { BatchSize = 64, PrefetchBatches = PrefetchBatches, Seed = 1 });
        int batches = 0;
        foreach (ImageBatch batch in batcher.ReadEpoch(0))
        {
            batch.Dispose();
            batches++;
        }

        return batches;
    }

    /// <summary>Prints the peak working set; the 100,000 files stay for the next run, a smoke run's 2,000 are deleted.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// Peak working set with PrefetchBatches={PrefetchBatches}: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MB");
        if (Smoke.Enabled)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
