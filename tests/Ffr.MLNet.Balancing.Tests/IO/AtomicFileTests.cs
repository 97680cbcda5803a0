using System.Diagnostics;
using Ffr.MLNet.IO;
using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ffr-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Write_ReplacesTheFile_AndLeavesNoTemporary()
    {
        string path = Path.Combine(_dir, "sub", "a.txt");
        AtomicFile.WriteText(path, "old");
        AtomicFile.WriteText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void Write_WriterThrowsHalfway_PreviousFileUntouched_NoTemporary()
    {
        string path = Path.Combine(_dir, "model.zip");
        File.WriteAllBytes(path, new byte[] { 1, 2, 3 });
        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("writer failed", ex.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }

    [SkippableFact]
    public void Write_DiskFull_PreviousFileUntouched_NoTemporary_MessageNamesTheFile()
    {
        using TestMount? mount = TestMount.TryCreate(256, out string reason);
        Skip.If(mount is null, reason);
        string path = Path.Combine(mount!.Folder, "results.csv");
        AtomicFile.WriteText(path, "previous");
        mount.Fill(freeBytes: 8 * 1024);
        var ex = Assert.Throws<IOException>(() => AtomicFile.WriteBytes(path, new byte[200 * 1024]));
        Assert.StartsWith($"Could not write '{path}': ", ex.Message);
        Assert.EndsWith("The previous file, if any, is unchanged.", ex.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Empty(mount.OtherFiles(path));
    }

    [SkippableFact]
    public void Write_ReadOnlyFileSystem_PreviousFileUntouched()
    {
        using TestMount? mount = TestMount.TryCreate(256, out string reason);
        Skip.If(mount is null, reason);
        string path = Path.Combine(mount!.Folder, "report.md");
        AtomicFile.WriteText(path, "previous");
        mount.MakeReadOnly();
        Exception ex = Record.Exception(() => AtomicFile.WriteText(path, "next"));
        Assert.True(ex is IOException or UnauthorizedAccessException, ex?.ToString());
        Assert.Contains(path, ex!.Message);
        Assert.Equal("previous", File.ReadAllText(path));
        Exception probe = Record.Exception(() => AtomicFile.EnsureWritable(path));
        Assert.True(probe is IOException or UnauthorizedAccessException, probe?.ToString());
        Assert.Equal($"Files cannot be created in the folder '{mount.Folder}' (Read-only file system).", probe!.Message);
    }

    [Fact]
    public void Write_FirstIntoAFolder_RemovesTemporariesOfKilledProcesses_KeepsLiveAndForeignOnes()
    {
        using Process finished = Process.Start(new ProcessStartInfo("true"))!;
        finished.WaitForExit();
        string abandoned = Path.Combine(_dir, $".ffr-checkpoint.bin.{finished.Id}-{Guid.NewGuid():N}.tmp");
        string abandonedOther = Path.Combine(_dir, $".model.zip.{finished.Id}-{Guid.NewGuid():N}.tmp");
        string live = Path.Combine(_dir, $".ffr-checkpoint.bin.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        string foreign = Path.Combine(_dir, $".notes.{finished.Id}-draft.tmp");
        foreach (string file in new[] { abandoned, abandonedOther, live, foreign })
        {
            File.WriteAllText(file, "half");
        }

        AtomicFile.WriteText(Path.Combine(_dir, "ffr-checkpoint.bin"), "whole");
        Assert.False(File.Exists(abandoned));
        Assert.False(File.Exists(abandonedOther));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(foreign)); // not of our shape: never deleted
    }

    [Fact]
    public void Write_PathIsAFolder_SaysSo()
    {
        var ex = Assert.Throws<IOException>(() => AtomicFile.WriteText(_dir, "x"));
        Assert.Equal($"'{_dir}' is a folder; give the path of a file to write.", ex.Message);
    }

    [Fact]
    public void EnsureWritableFolder_AFileStandsThere_SaysSo_AndCreatesNothing()
    {
        string file = Path.Combine(_dir, "checkpoints");
        File.WriteAllText(file, "x");
        var ex = Assert.Throws<IOException>(() => AtomicFile.EnsureWritableFolder(file));
        Assert.Equal($"'{file}' is a file, but a folder is needed there.", ex.Message);
        AtomicFile.EnsureWritableFolder(Path.Combine(_dir, "fresh"));
        Assert.Empty(Directory.GetFiles(Path.Combine(_dir, "fresh")));
    }

    [Fact]
    public void InputFile_Require_MissingAndFolder_NameThePathAndTheAdvice()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => InputFile.Require(Path.Combine(_dir, "m.csv"), "Manifest", "Pass a CSV."));
        Assert.Equal($"Manifest '{Path.Combine(_dir, "m.csv")}' was not found. Pass a CSV.", missing.Message);
        var folder = Assert.Throws<IOException>(() => InputFile.Require(_dir, "Model", "Pass a zip."));
        Assert.Equal($"Model '{_dir}' is a folder, not a file. Pass a zip.", folder.Message);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("random")]
    [InlineData("truncated")]
    public void LoadChecked_DamagedZip_OneInvalidDataExceptionNamingTheFile(string damage)
    {
        var ml = new MLContext(seed: 0);
        IDataView data = ml.Data.LoadFromEnumerable(new[] { new Row { X = 1 }, new Row { X = 2 } });
        ITransformer model = ml.Transforms.NormalizeMinMax("X").Fit(data);
        string path = Path.Combine(_dir, "model.zip");
        ml.Model.SaveAtomically(model, data.Schema, path);
        FileDamage.Apply(path, damage);
        var ex = Assert.Throws<InvalidDataException>(() => ml.Model.LoadChecked(path, out _));
        Assert.StartsWith($"Model '{path}' could not be loaded: it is not an ML.NET model zip, or it is truncated or damaged (", ex.Message);
    }

    private sealed class Row
    {
        public float X { get; set; }
    }
}
