using System.Text.RegularExpressions;

namespace Ffr.MLNet.Cli.Tests.Packaging;

/// <summary>
/// Every C# block of the README is a region of build/outside-consumer/Program.cs (marked <c>// &lt;readme name="..."&gt;</c>),
/// which build/outside-consumer.sh builds against the packages and runs (OutsideConsumerTests), so the README's code
/// compiles and, where it can run, runs. Lines are compared trimmed, blank lines ignored.
/// </summary>
public sealed class ReadmeCodeTests
{
    private static readonly Regex Block = new(@"^```csharp\s*\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
    private static readonly Regex Region = new(@"^[ \t]*// <readme name=""(?<name>[^""]+)"">[^\n]*\n(?<code>.*?)^[ \t]*// </readme>", RegexOptions.Multiline | RegexOptions.Singleline);

    private static string[] Lines(string code) =>
        code.Replace("\r", string.Empty).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    internal static Dictionary<string, string[]> Regions()
    {
        string program = File.ReadAllText(Path.Combine(OutsideConsumerTests.RepositoryRoot(), "build", "outside-consumer", "Program.cs"));
        return Region.Matches(program).ToDictionary(m => m.Groups["name"].Value, m => Lines(m.Groups["code"].Value));
    }

    internal static string[][] ReadmeBlocks()
    {
        string readme = File.ReadAllText(Path.Combine(OutsideConsumerTests.RepositoryRoot(), "README.md"));
        return Block.Matches(readme.Replace("\r", string.Empty)).Select(m => Lines(m.Groups["code"].Value)).ToArray();
    }

    [Fact]
    public void Readme_EveryCSharpBlock_IsARegionOfTheBuiltAndRunConsumer()
    {
        Dictionary<string, string[]> regions = Regions();
        string[][] blocks = ReadmeBlocks();
        Assert.NotEmpty(blocks);
        foreach (string[] block in blocks)
        {
            // A block may join regions (the usings and the code that follows them), in the program's order.
            Assert.True(IsJoinOfRegions(block, regions.Values.ToList()),
                "This README block is not a region (or regions, in order) of build/outside-consumer/Program.cs:\n" + string.Join('\n', block));
        }
    }

    [Fact]
    public void Readme_EveryRegionOfTheConsumer_IsInTheReadme()
    {
        string[] readmeLines = ReadmeBlocks().SelectMany(b => b).ToArray();
        foreach ((string name, string[] region) in Regions())
        {
            Assert.True(Contains(readmeLines, region), $"Region '{name}' of build/outside-consumer/Program.cs is in no README C# block.");
        }
    }

    [Fact]
    public void Readme_UsingTheLibraries_StartsWithDotnetAddPackage()
    {
        string readme = File.ReadAllText(Path.Combine(OutsideConsumerTests.RepositoryRoot(), "README.md"));
        int section = readme.IndexOf("## Using the libraries", StringComparison.Ordinal);
        Assert.True(section >= 0);
        string firstBlock = readme[section..].Split("```", 3)[1];
        Assert.Contains("dotnet add package Ffr.MLNet.Trainers", firstBlock);
    }

    private static bool IsJoinOfRegions(string[] block, List<string[]> regions)
    {
        int at = 0;
        while (at < block.Length)
        {
            string[]? next = regions.FirstOrDefault(r => r.Length > 0 && at + r.Length <= block.Length && block.Skip(at).Take(r.Length).SequenceEqual(r));
            if (next is null)
            {
                return false;
            }

            at += next.Length;
        }

        return true;
    }

    private static bool Contains(string[] lines, string[] part) =>
        Enumerable.Range(0, Math.Max(0, lines.Length - part.Length + 1)).Any(i => lines.Skip(i).Take(part.Length).SequenceEqual(part));
}
