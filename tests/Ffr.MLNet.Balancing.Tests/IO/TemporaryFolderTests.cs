using System.Diagnostics;
using Ffr.MLNet.IO;

namespace Ffr.MLNet.Balancing.Tests.IO;

public sealed class TemporaryFolderTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("ffr-tmpfolders-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public void Dispose_DeletesTheFolderWithItsFiles()
    {
        TemporaryFolder folder = TemporaryFolder.Create(_parent);
        File.WriteAllText(Path.Combine(folder.Path, "model.onnx"), "network");
        Assert.StartsWith(Path.Combine(_parent, $"ffr-tmp-{Environment.ProcessId}-"), folder.Path);
        folder.Dispose();
        Assert.False(Directory.Exists(folder.Path));
    }

    [Fact]
    public void Create_RemovesTheFolderOfAKilledProcess_KeepsTheFolderOfARunningOne()
    {
        using Process finished = Process.Start(new ProcessStartInfo("true"))!;
        finished.WaitForExit();
        string abandoned = Path.Combine(_parent, $"ffr-tmp-{finished.Id}-{Guid.NewGuid():N}");
        string live = Path.Combine(_parent, $"ffr-tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string foreign = Path.Combine(_parent, "someone-else");
        foreach (string folder in new[] { abandoned, live, foreign })
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "x"), "x");
        }

        using TemporaryFolder created = TemporaryFolder.Create(_parent);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(foreign));
    }
}
