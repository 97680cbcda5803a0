using System.Text.Json.Nodes;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Tests.Http;

namespace Ffr.MLNet.Generation.Tests.Apis;

/// <summary>Each API against a real HTTP server that speaks it: what is sent, what is written, what is logged.</summary>
public sealed class TextToImageApiTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Generate_Automatic1111_SendsThePlanAndWritesTheServersImages()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        GenerationPlan plan = Kit.Plan(_dir, 2);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, server);
        options.NegativePrompt = "blurry, text";
        options.Steps = 12;
        options.CfgScale = 5.5;
        options.Sampler = "DPM++ 2M";

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal((8, 0, 0, 0), (summary.Made, summary.Skipped, summary.Failed, summary.LeftOut));
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
        foreach (GenerationItem item in plan.Items)
        {
            JsonNode body = server.Requests.Single(r => r.Body["prompt"]!.GetValue<string>() == item.Prompt && r.Body["seed"]!.GetValue<int>() == item.Seed).Body;
            Assert.Equal(
                new JsonObject
                {
                    ["prompt"] = item.Prompt, ["negative_prompt"] = "blurry, text", ["seed"] = item.Seed, ["steps"] = 12, ["cfg_scale"] = 5.5, ["width"] = 32, ["height"] = 32,
                    ["sampler_name"] = "DPM++ 2M", ["batch_size"] = 1, ["n_iter"] = 1,
                }.ToJsonString(),
                body.ToJsonString());
        }

        IReadOnlyList<GenerationLogRecord> log = GenerationLog.Read(_dir.File("out/generation-log.jsonl"));
        Assert.Equal(plan.Items.Select(i => i.FileName).Order(), log.Select(r => r.File).Order());
        Assert.All(log, r =>
        {
            Assert.Equal(("made", server.Url.ToString(), 1), (r.Status, r.Endpoint, r.Tries));
            Assert.Equal(r.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Server["seed"]); // the seed the server reports using
            Assert.Equal("ffr-benchmark-renderer", r.Server["sd_model_name"]);
            Assert.InRange(r.Seconds, 0, 60);
        });

        ImageManifest manifest = ImageManifest.Load(summary.ManifestPath!);
        Assert.Equal(8, manifest.Rows.Count);
        Assert.All(manifest.Rows, r => Assert.Equal((SampleSource.Synthetic, DataSplit.Train), (r.Source, r.Split)));
        Assert.Equal(plan.Items.Select(i => (i.Label, i.Attribute)).Order(), manifest.Rows.Select(r => (r.Label, r.Attribute)).Order());
    }

    [Fact]
    public async Task Generate_ComfyUi_FillsTheWorkflowPollsTheHistoryAndFetchesTheOutput()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.ComfyUi);
        GenerationPlan plan = Kit.Plan(_dir, 2);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.ComfyUi, server);
        options.NegativePrompt = "lowres";
        options.Steps = 9;

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal((8, 0), (summary.Made, summary.Failed));
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
        foreach (ServedRequest request in server.Requests)
        {
            JsonNode graph = request.Body["prompt"]!;
            Assert.Equal(32, graph["5"]!["inputs"]!["width"]!.GetValue<int>()); // numeric placeholders became numbers
            Assert.Equal(9, graph["3"]!["inputs"]!["steps"]!.GetValue<int>());
            Assert.Equal(7.0, graph["3"]!["inputs"]!["cfg"]!.GetValue<double>());
            Assert.Equal("lowres", graph["7"]!["inputs"]!["text"]!.GetValue<string>());
            Assert.Equal("euler_ancestral", graph["3"]!["inputs"]!["sampler_name"]!.GetValue<string>()); // untouched
            Assert.Contains(plan.Items, i => i.Prompt == graph["6"]!["inputs"]!["text"]!.GetValue<string>() && i.Seed == graph["3"]!["inputs"]!["seed"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty(request.Body["client_id"]!.GetValue<string>()));
        }

        Assert.All(GenerationLog.Read(_dir.File("out/generation-log.jsonl")), r => Assert.StartsWith("ffr_", r.Server["filename"]));
    }

    [Fact]
    public async Task Generate_OpenAi_SendsTheKeyOnlyInTheHeaderAndNeverWritesIt()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.OpenAi);
        server.ApiKey = "sk-test-key-123";
        GenerationPlan plan = Kit.Plan(_dir, 1);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.OpenAi, server);
        options.Model = "dall-e-2";
        options.NegativePrompt = "never sent";

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal(4, summary.Made);
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal("Bearer sk-test-key-123", r.Authorization);
            Assert.Equal(new[] { "model", "n", "prompt", "response_format", "seed", "size" }, r.Body.AsObject().Select(p => p.Key).Order());
            Assert.Equal(("32x32", "b64_json", 1), (r.Body["size"]!.GetValue<string>(), r.Body["response_format"]!.GetValue<string>(), r.Body["n"]!.GetValue<int>()));
        });
        Assert.All(GenerationLog.Read(_dir.File("out/generation-log.jsonl")), r => Assert.Equal(plan.Items.Single(i => i.FileName == r.File).Prompt, r.Server["revised_prompt"]));
        foreach (string file in Directory.EnumerateFiles(_dir.File("out"), "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".png", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain("sk-test-key", File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task Generate_OpenAiWithoutSeedOption_SendsNoSeed()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.OpenAi);
        GenerationPlan plan = Kit.Plan(_dir, 1, ("bag", "red"));
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.OpenAi, server);
        options.SendSeedToOpenAi = false;

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal(1, summary.Made);
        Assert.Equal(new[] { "n", "prompt", "response_format", "size" }, server.Requests.Single().Body.AsObject().Select(p => p.Key).Order());
    }

    [Fact]
    public async Task Generate_OpenAiWrongKey_RejectsTheEndpointNamingTheKey()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.OpenAi);
        server.ApiKey = "sk-the-right-one";
        GenerationPlan plan = Kit.Plan(_dir, 1);

        GenerationSummary summary = await Kit.GenerateAsync(plan, _dir, TextToImageApi.OpenAi, server);

        EndpointGeneration endpoint = Assert.Single(summary.Endpoints);
        Assert.Equal(EndpointState.Rejected, endpoint.State);
        Assert.StartsWith($"{server.Url} answered 401 Unauthorized for POST /v1/images/generations: it refused the request; check the API key", endpoint.Reason);
        Assert.Equal(4, summary.Failed);
        Assert.Null(summary.ManifestPath);
        Assert.Empty(server.Requests); // refused before any generation
    }

    [Theory]
    [InlineData(TextToImageApi.ComfyUi, TextToImageApi.Automatic1111, "POST /sdapi/v1/txt2img: the server does not seem to speak the automatic1111 API.")]
    [InlineData(TextToImageApi.Automatic1111, TextToImageApi.ComfyUi, "POST /prompt: the server does not seem to speak the comfyui API.")]
    [InlineData(TextToImageApi.Automatic1111, TextToImageApi.OpenAi, "POST /v1/images/generations: the server does not seem to speak the openai API.")]
    public async Task Generate_ServerOfAnotherApi_SaysWhichApiItDoesNotSpeak(TextToImageApi speaks, TextToImageApi asked, string message)
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(speaks);
        GenerationPlan plan = Kit.Plan(_dir, 2);

        GenerationSummary summary = await new ImageGenerator(Kit.Options(asked, server)).GenerateAsync(plan, _dir.File("out"));

        EndpointGeneration endpoint = Assert.Single(summary.Endpoints);
        Assert.Equal(EndpointState.Rejected, endpoint.State);
        Assert.StartsWith($"{server.Url} answered 404 Not Found for {message}", endpoint.Reason);
        Assert.Equal(8, summary.Failed);
        Assert.All(summary.Failures, f => Assert.StartsWith("no endpoint left to try it", Assert.Single(f.Errors)));
    }
}
