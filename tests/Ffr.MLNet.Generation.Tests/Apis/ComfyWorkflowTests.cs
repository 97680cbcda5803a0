using System.Text.Json.Nodes;
using Ffr.MLNet.Generation;

namespace Ffr.MLNet.Generation.Tests.Apis;

public sealed class ComfyWorkflowTests
{
    private static readonly string Documented = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "comfyui-txt2img.json"));

    [Fact]
    public void Load_DocumentedWorkflow_HasEveryPlaceholderButTheSampler()
    {
        ComfyWorkflow workflow = ComfyWorkflow.Load(Path.Combine(AppContext.BaseDirectory, "comfyui-txt2img.json"));
        Assert.Equal(
            new[] { ComfyWorkflow.CfgScale, ComfyWorkflow.Height, ComfyWorkflow.NegativePrompt, ComfyWorkflow.Prompt, ComfyWorkflow.Seed, ComfyWorkflow.Steps, ComfyWorkflow.Width },
            workflow.Placeholders.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Fill_ExactPlaceholdersBecomeNumbers_TextPlaceholdersAreReplacedInText()
    {
        string json = Documented.Replace("\"{{prompt}}\"", "\"{{prompt}}, \\\"sharp\\\" focus\"", StringComparison.Ordinal);
        ComfyWorkflow workflow = ComfyWorkflow.Parse(json, "w.json");
        var options = new ImageGeneratorOptions { Width = 640, Height = 480, Steps = 30, CfgScale = 6.5, NegativePrompt = "lowres" };

        JsonObject filled = workflow.Fill(new ImageRequest("a \"quoted\" bag {x}", 2147483647), options);

        Assert.Equal(2147483647, filled["3"]!["inputs"]!["seed"]!.GetValue<long>());
        Assert.Equal(640, filled["5"]!["inputs"]!["width"]!.GetValue<long>());
        Assert.Equal(480, filled["5"]!["inputs"]!["height"]!.GetValue<long>());
        Assert.Equal(30, filled["3"]!["inputs"]!["steps"]!.GetValue<long>());
        Assert.Equal(6.5, filled["3"]!["inputs"]!["cfg"]!.GetValue<double>());
        Assert.Equal("a \"quoted\" bag {x}, \"sharp\" focus", filled["6"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Equal("lowres", filled["7"]!["inputs"]!["text"]!.GetValue<string>());

        // Filling works on a copy: the next image gets its own values.
        JsonObject next = workflow.Fill(new ImageRequest("a tshirt", 7), options);
        Assert.Equal(7, next["3"]!["inputs"]!["seed"]!.GetValue<long>());
        Assert.Equal("a tshirt, \"sharp\" focus", next["6"]!["inputs"]!["text"]!.GetValue<string>());
        Assert.Equal(2147483647, filled["3"]!["inputs"]!["seed"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("{{seed}}", "has no {{seed}} placeholder")]
    [InlineData("{{prompt}}", "has no {{prompt}} placeholder")]
    [InlineData("{{width}}", "has no {{width}} placeholder")]
    public void Parse_WithoutARequiredPlaceholder_NamesIt(string placeholder, string message)
    {
        string json = Documented.Replace($"\"{placeholder}\"", "1", StringComparison.Ordinal);
        var ex = Assert.Throws<InvalidDataException>(() => ComfyWorkflow.Parse(json, "mine.json"));
        Assert.StartsWith($"ComfyUI workflow 'mine.json' {message}; put it where the value goes", ex.Message);
    }

    [Fact]
    public void Generator_NegativePromptWithoutItsPlaceholder_NamesIt()
    {
        var options = new ImageGeneratorOptions
        {
            Api = TextToImageApi.ComfyUi,
            NegativePrompt = "blurry",
            Workflow = ComfyWorkflow.Parse(Documented.Replace("\"{{negative_prompt}}\"", "\"\"", StringComparison.Ordinal), "mine.json"),
        };
        options.Endpoints.Add(new Uri("http://127.0.0.1:8188"));

        var ex = Assert.Throws<InvalidDataException>(() => new ImageGenerator(options));
        Assert.Contains("has no {{negative_prompt}} placeholder", ex.Message);
        Assert.Contains("(or drop --negative-prompt)", ex.Message);
    }

    [Theory]
    [InlineData("{\"nodes\": [], \"links\": []}", "is in the UI format (it has 'nodes'); in ComfyUI enable the dev mode options and use 'Save (API Format)'.")]
    [InlineData("{\"3\": {\"inputs\": {}}}", "is not in API format")]
    [InlineData("[1, 2]", "is not in API format")]
    [InlineData("{\"3\": ", "is not JSON")]
    public void Parse_NotAnApiWorkflow_SaysWhatItIs(string json, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ComfyWorkflow.Parse(json, "w.json"));
        Assert.StartsWith($"ComfyUI workflow 'w.json' {message}", ex.Message);
    }
}
