using System.Text.Json;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Tests.Http;

namespace Ffr.MLNet.Generation.Tests;

/// <summary>A temporary folder, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ffr-generation-").FullName;

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Plans, options and checks shared by the generation tests.</summary>
internal static class Kit
{
    public const int Size = 32;

    public static readonly (string Label, string Attribute)[] FourSubgroups = { ("tshirt", "red"), ("tshirt", "blue"), ("bag", "green"), ("sneaker", "yellow") };

    /// <summary>Writes a plan file of <paramref name="perSubgroup"/> images per subgroup (as 'ffr plan' lays it out) and loads it.</summary>
    public static GenerationPlan Plan(TempFolder folder, int perSubgroup, params (string Label, string Attribute)[] subgroups)
    {
        subgroups = subgroups.Length == 0 ? FourSubgroups : subgroups;
        string path = folder.File("plan/generation-plan.jsonl");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var lines = new List<string>();
        foreach ((string label, string attribute) in subgroups)
        {
            for (int i = 0; i < perSubgroup; i++)
            {
                lines.Add(JsonSerializer.Serialize(new
                {
                    label, attribute, index = i, prompt = $"a photo of a {label} on a {attribute} background", seed = 1000 + (lines.Count * 7), file = $"{label}/{attribute}/{i:D6}.png", strategy = "ffr",
                }));
            }
        }

        System.IO.File.WriteAllLines(path, lines);
        return GenerationPlan.Load(path);
    }

    /// <summary>Options for quick tests: 32x32 images, short delays and timeouts.</summary>
    public static ImageGeneratorOptions Options(TextToImageApi api, params LoopbackImageServer[] servers)
    {
        var options = new ImageGeneratorOptions
        {
            Api = api,
            Width = Size,
            Height = Size,
            Timeout = TimeSpan.FromSeconds(10), // generous: a loaded 2-core CI machine answers slowly; the fault tests set their own
            RetryDelay = TimeSpan.FromMilliseconds(20),
            BreakDuration = TimeSpan.FromMilliseconds(500),
            DeadAfterBreaks = 2,
            PollInterval = TimeSpan.FromMilliseconds(10),
            Workflow = api == TextToImageApi.ComfyUi ? ComfyWorkflow.Load(System.IO.Path.Combine(AppContext.BaseDirectory, "comfyui-txt2img.json")) : null,
            ApiKey = api == TextToImageApi.OpenAi ? "sk-test-key-123" : null,
            SendSeedToOpenAi = api == TextToImageApi.OpenAi, // so that every API's images can be checked against the plan's seeds
        };
        foreach (LoopbackImageServer server in servers)
        {
            options.Endpoints.Add(server.Url);
        }

        return options;
    }

    /// <summary>Runs the generator with <see cref="Options"/> into <c>out</c> of <paramref name="dir"/>.</summary>
    public static Task<GenerationSummary> GenerateAsync(GenerationPlan plan, TempFolder dir, TextToImageApi api, LoopbackImageServer server) =>
        new ImageGenerator(Options(api, server)).GenerateAsync(plan, dir.File("out"));

    /// <summary>Asserts that every planned image exists once, holds the server's image for its label, attribute and seed, and that no temporary file is left.</summary>
    public static void AssertEveryImageMade(GenerationPlan plan, string folder, LoopbackImageServer renderer, int? count = null)
    {
        foreach (GenerationItem item in plan.Items.Take(count ?? plan.Items.Count))
        {
            string path = System.IO.Path.Combine(folder, item.FileName);
            Assert.True(System.IO.File.Exists(path), $"{item.FileName} is missing");
            Assert.Equal(renderer.Expected(item.Label, item.Attribute, item.Seed, Size, Size), System.IO.File.ReadAllBytes(path));
        }

        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp", SearchOption.AllDirectories));
        int images = Directory.EnumerateFiles(folder, "*.png", SearchOption.AllDirectories).Count();
        Assert.Equal(count ?? plan.Items.Count, images);
    }
}
