namespace Ffr.MLNet.Cli.Tests.Failures;

/// <summary>
/// Every command that writes files, made to fail for real on a small tmpfs (full, nearly full, or
/// read-only): the previous output stays byte for byte, no temporary or half file is left, and the user
/// reads one message. Where a command names its output with an option, a full or read-only folder is
/// found by the check before any work (exit 2); a nearly full one (80 KB free: the check passes, the
/// model or checkpoint does not fit) and plan's files fail when the write happens (exit 1), which is
/// where the atomic write itself is put to the test.
/// </summary>
[Collection(CliCollection.Name)]
public sealed class FailedWriteTests
{
    private readonly CliData _data;

    public FailedWriteTests(CliData data) => _data = data;

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string writer in new[] { "train", "train-checkpoint", "export", "explain", "results", "plan", "import" })
        {
            cases.Add(writer, "full");
            cases.Add(writer, "read-only");
        }

        foreach (string writer in new[] { "train", "train-checkpoint", "export" })
        {
            cases.Add(writer, "nearly-full");
        }

        return cases;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void FailedWrite_PreviousOutputIdentical_NothingElseLeft(string writer, string failure)
    {
        using TestMount? mount = TestMount.TryCreate(4096, out string reason);
        Skip.If(mount is null, reason);
        string dir = mount!.Folder;
        string image = Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "red")).First();
        string[] Command(int seed) => writer switch
        {
            "train" => new[] { "train", "--manifest", _data.SmallManifest, "--strategy", "none", "--epochs", "1", "--seed", $"{seed}", "--model-out", Path.Combine(dir, "model.zip") },
            "train-checkpoint" => new[] { "train", "--manifest", _data.SmallManifest, "--strategy", "none", "--epochs", "1", "--seed", $"{seed}", "--model-out", Path.Combine(_data.Folder, "failed-write", $"{failure}-{seed}.zip"), "--checkpoint-dir", Path.Combine(dir, $"checkpoints-{seed}") },
            "export" => new[] { "export", "--model", _data.Model, "--onnx", Path.Combine(dir, "model.onnx") },
            "explain" => new[] { "explain", "--model", _data.Model, "--image", image, "--out", Path.Combine(dir, "rise"), "--masks", $"{10 + seed}", "--seed", $"{seed}" },
            "results" => new[] { "results", "--csv", ResultsCsv(seed), "--page", Path.Combine(dir, "results.md") },
            "import" => new[] { "import", "--format", "csv", "--csv", ImportCsv(), "--out", Path.Combine(dir, "manifest.csv"), "--seed", $"{seed}" },
            _ => new[] { "plan", "--manifest", _data.SmallManifest, "--strategy", "ffr", "--out", Path.Combine(dir, "plan"), "--seed", $"{seed}" },
        };

        var first = Ffr.Run(Command(1));
        Assert.True(first.Code == 0, first.Error);
        Dictionary<string, byte[]> previous = Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllBytes);
        Assert.NotEmpty(previous);

        switch (failure)
        {
            case "full":
                mount.Fill();
                break;
            case "nearly-full":
                mount.Fill(freeBytes: 80 << 10);
                break;
            default:
                mount.MakeReadOnly();
                break;
        }

        var second = Ffr.Run(Command(2));
        Assert.True(second.Code is 1 or 2, $"exit {second.Code}: {second.Error}");
        Assert.StartsWith($"ffr {Command(2)[0]}: ", second.Error);
        Assert.Contains(dir, second.Error);
        Assert.DoesNotContain("   at ", second.Error);
        Assert.Equal(writer == "plan" || failure == "nearly-full" ? 1 : 2, second.Code);

        foreach ((string file, byte[] bytes) in previous)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} changed");
        }

        Assert.Empty(mount.OtherFiles(previous.Keys.ToArray()));
    }

    /// <summary>A CSV of small Waterbirds images without a split column, so that two seeds write different manifests.</summary>
    private string ImportCsv()
    {
        string root = Path.Combine(_data.Folder, "failed-write", "import");
        var rows = BenchmarkLayoutFiles.WaterbirdsRows();
        BenchmarkLayoutFiles.Waterbirds(root, rows);
        return BenchmarkLayoutFiles.Text(Path.Combine(root, "list.csv"), "ImagePath,Label,Attribute\n" + string.Concat(rows.Select(r => $"{r.File},{r.Y},{r.Place}\n")));
    }

    /// <summary>A results file with one cell per seed value, so that two runs write different pages.</summary>
    private string ResultsCsv(int cells)
    {
        string csv = Path.Combine(_data.Folder, "failed-write", $"results-{cells}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(csv)!);
        var lines = new List<string> { "biasRate,severity,strategy,method,seed,worstGroupAccuracy,balancedAccuracy,accuracy,validationWorstGroupAccuracy,seconds" };
        lines.AddRange(Enumerable.Range(0, cells).Select(s => $"0.99,3,ffr,erm,{s},0.{7 + s},0.9,0.9,0.8,10.0"));
        File.WriteAllLines(csv, lines);
        return csv;
    }
}
