using Ffr.MLNet.Build;

namespace Ffr.MLNet.Build.Tests;

public sealed class ElfVersionNeedTests : IDisposable
{
    private const string Version = "GLIBCXX_3.4.32";
    private readonly string _temp = Directory.CreateTempSubdirectory("ffr-elf-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string? PackagedLibrary()
    {
        string root = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string path = Path.Combine(root, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        return File.Exists(path) ? path : null;
    }

    [Fact]
    public void MarkWeak_ShippedLibrary_PatchesOnceThenReportsAlreadyWeak()
    {
        if (!OperatingSystem.IsLinux() || PackagedLibrary() is not string shipped)
        {
            return; // Only Linux builds carry libLibTorchSharp.so.
        }

        string copy = Path.Combine(_temp, "libLibTorchSharp.so");
        File.Copy(shipped, copy);
        byte[] before = File.ReadAllBytes(copy);

        Assert.Equal(ElfVersionNeedResult.Patched, ElfVersionNeed.MarkWeak(copy, Version));
        byte[] after = File.ReadAllBytes(copy);
        Assert.Equal(before.Length, after.Length);
        int changed = before.Zip(after).Count(p => p.First != p.Second);
        Assert.Equal(1, changed); // one flags byte, nothing else

        Assert.Equal(ElfVersionNeedResult.AlreadyWeak, ElfVersionNeed.MarkWeak(copy, Version));
        Assert.Equal(after, File.ReadAllBytes(copy));
    }

    [Fact]
    public void MarkWeak_VersionNotRequired_LeavesFileUntouched()
    {
        if (!OperatingSystem.IsLinux() || PackagedLibrary() is not string shipped)
        {
            return;
        }

        string copy = Path.Combine(_temp, "libLibTorchSharp.so");
        File.Copy(shipped, copy);
        Assert.Equal(ElfVersionNeedResult.NotRequired, ElfVersionNeed.MarkWeak(copy, "GLIBCXX_99.0"));
        Assert.Equal(File.ReadAllBytes(shipped), File.ReadAllBytes(copy));
    }

    [Fact]
    public void MarkWeak_NotAnElfFile_ThrowsNamingTheFile()
    {
        string path = Path.Combine(_temp, "not-elf.so");
        File.WriteAllBytes(path, new byte[128]);
        var ex = Assert.Throws<InvalidDataException>(() => ElfVersionNeed.MarkWeak(path, Version));
        Assert.Equal($"'{path}' is not an ELF file.", ex.Message);
    }

    [Fact]
    public void Build_OutputCopy_IsWeakWhenSystemLacksVersion_AndPackageCacheIsUntouched()
    {
        if (!OperatingSystem.IsLinux() || PackagedLibrary() is not string shipped)
        {
            return;
        }

        string output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), $"the build did not copy {output}");
        string? libstdcxx = ElfVersionNeed.FindSystemLibStdCxx();
        bool systemHasIt = libstdcxx != null && ElfVersionNeed.Defines(libstdcxx, Version);

        string probe = Path.Combine(_temp, "probe.so");
        File.Copy(output, probe);
        ElfVersionNeedResult onOutput = ElfVersionNeed.MarkWeak(probe, Version);
        Assert.Equal(systemHasIt ? ElfVersionNeedResult.Patched : ElfVersionNeedResult.AlreadyWeak, onOutput);

        string cacheProbe = Path.Combine(_temp, "cache.so");
        File.Copy(shipped, cacheProbe);
        Assert.Equal(ElfVersionNeedResult.Patched, ElfVersionNeed.MarkWeak(cacheProbe, Version));
    }
}
