using Ffr.MLNet.Images;

namespace Ffr.MLNet.Transforms.Tests;

/// <summary>A temporary folder deleted on dispose, with helpers to write images and manifests.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ffr-transforms-").FullName;

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Writes a PNG whose every pixel is (r, g, b).</summary>
    public string Png(string relative, byte r, byte g, byte b, int size = 8)
    {
        var pixels = new byte[size * size * 3];
        for (int i = 0; i < pixels.Length; i += 3)
        {
            (pixels[i], pixels[i + 1], pixels[i + 2]) = (r, g, b);
        }

        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        new RgbImage(size, size, pixels).SavePng(path);
        return path;
    }

    public string Text(string relative, string content)
    {
        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
