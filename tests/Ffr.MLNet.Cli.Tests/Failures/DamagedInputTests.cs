using Ffr.MLNet.Budgets;
using Ffr.MLNet.Experiments;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli.Tests.Failures;

/// <summary>
/// Every kind of file the tool reads, damaged three ways (emptied, cut in half, replaced by random
/// bytes): one message naming the file, exit code 1, no stack trace, nothing written.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class DamagedInputTests
{
    private readonly CliData _data;

    public DamagedInputTests(CliData data) => _data = data;

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string kind in new[] { "manifest", "manifest-image", "model-evaluate", "model-export", "model-explain", "checkpoint", "results", "image" })
        {
            foreach (string damage in FileDamage.Kinds)
            {
                cases.Add(kind, damage);
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void DamagedInput_OneMessageNamingTheFile_ExitOne_NoStackTrace(string kind, string damage)
    {
        string folder = Path.Combine(_data.Folder, "damaged", $"{kind}-{damage}");
        Directory.CreateDirectory(folder);
        string image = Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "red")).First();
        string output = Path.Combine(folder, "out");
        (string file, string named, string[] args) = kind switch
        {
            "manifest" => Copy(_data.SmallManifest, "manifest.csv", f => new[] { "analyze", "--manifest", f }),
            "manifest-image" => ManifestWithImage(folder, image),
            "model-evaluate" => Copy(_data.Model, "model.zip", f => new[] { "evaluate", "--model", f, "--manifest", _data.SmallManifest }),
            "model-export" => Copy(_data.Model, "model.zip", f => new[] { "export", "--model", f, "--onnx", Path.Combine(output, "model.onnx") }),
            "model-explain" => Copy(_data.Model, "model.zip", f => new[] { "explain", "--model", f, "--image", image, "--out", output, "--masks", "10" }),
            "checkpoint" => Checkpoint(folder),
            "results" => Copy(ResultsCsv(folder), "results.csv", f => new[] { "results", "--csv", f, "--page", Path.Combine(output, "results.md") }),
            _ => Copy(image, "image.png", f => new[] { "explain", "--model", _data.Model, "--image", f, "--out", output, "--masks", "10" }),
        };

        (string, string, string[]) Copy(string source, string name, Func<string, string[]> command)
        {
            string path = Path.Combine(folder, name);
            File.Copy(source, path, overwrite: true);
            return (path, path, command(path));
        }

        FileDamage.Apply(file, damage);
        var (code, stdout, error) = Ffr.Run(args);
        Assert.True(code == 1, $"exit {code}: {error}");
        Assert.Contains(named, error);
        Assert.DoesNotContain("   at ", error + stdout);
        Assert.DoesNotContain("unexpected error", error);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories).Any(), "an output was written");
    }

    /// <summary>A one-row manifest whose image is the file to damage; the message names the image as the manifest writes it.</summary>
    private static (string, string, string[]) ManifestWithImage(string folder, string image)
    {
        string copy = Path.Combine(folder, "images", "x.png");
        Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
        File.Copy(image, copy, overwrite: true);
        string manifest = Path.Combine(folder, "manifest.csv");
        File.WriteAllText(manifest, "ImagePath,Label,Attribute,Source,Split\nimages/x.png,bag,red,real,train\n");
        return (copy, "images/x.png", new[] { "analyze", "--manifest", manifest });
    }

    /// <summary>A copy of the fixture's checkpoint folder, resumed by the same train command: the damaged checkpoint is read first.</summary>
    private (string, string, string[]) Checkpoint(string folder)
    {
        _ = _data.Model; // trains once, leaving its checkpoint
        string checkpoints = Path.Combine(folder, "checkpoints");
        Directory.CreateDirectory(checkpoints);
        string file = Path.Combine(checkpoints, "ffr-checkpoint.bin");
        File.Copy(Path.Combine(_data.CheckpointFolder, "ffr-checkpoint.bin"), file, overwrite: true);
        return (file, file, new[] { "train", "--manifest", _data.SmallManifest, "--strategy", "none", "--model-out", Path.Combine(folder, "out", "model.zip"), "--epochs", "1", "--checkpoint-dir", checkpoints });
    }

    private static string ResultsCsv(string folder)
    {
        string csv = Path.Combine(folder, "source.csv");
        File.Delete(csv);
        for (int seed = 0; seed < 3; seed++)
        {
            Experiments.ResultsCsv.Append(csv, new ExperimentResult(new ExperimentCell(0.99, 3, SyntheticStrategy.Ffr, TrainingMethod.Erm, seed), 0.8, 0.9, 0.9, 0.8, 12.5));
        }

        return csv;
    }
}
