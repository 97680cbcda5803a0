namespace Ffr.MLNet.Cli.Tests;

[Collection(CliCollection.Name)]
public sealed class ExplainCommandTests
{
    private readonly CliData _data;

    public ExplainCommandTests(CliData data) => _data = data;

    [Fact]
    public void Explain_WritesOneOverlayPerClass_AndNoOverlayOverwritesAnother()
    {
        string overlays = Path.Combine(_data.Folder, "explain", "rise");
        string image = Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "red")).First();
        var explain = Ffr.Run("explain", "--model", _data.Model, "--image", image, "--out", overlays, "--masks", "200");
        Assert.True(explain.Code == 0, explain.Error);
        string stem = Path.GetFileNameWithoutExtension(image);
        Assert.Equal(new[] { "bag", "sneaker", "trouser", "tshirt" }.Select(l => $"{stem}.{l}.png"), Directory.GetFiles(overlays, "*.png").Select(Path.GetFileName).Order());
        Assert.Matches("predicted (bag|sneaker|trouser|tshirt) \\(p = ", explain.Output);

        // Two images with one file name (from two folders): no overlay overwrites another.
        string twin = Path.Combine(_data.Folder, "explain", "twin", Path.GetFileName(image));
        Directory.CreateDirectory(Path.GetDirectoryName(twin)!);
        File.Copy(Directory.GetFiles(Path.Combine(_data.SmallFolder, "test", "bag", "blue")).First(), twin, overwrite: true);
        string both = Path.Combine(_data.Folder, "explain", "rise-twins");
        Assert.Equal(0, Ffr.Run("explain", "--model", _data.Model, "--image", image, twin, "--out", both, "--masks", "50").Code);
        Assert.Equal(8, Directory.GetFiles(both, "*.png").Length);
        Assert.True(File.Exists(Path.Combine(both, $"{stem}-2.bag.png")));
    }
}
