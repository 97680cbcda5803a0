using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Tests.Http;
using Xunit.Abstractions;

namespace Ffr.MLNet.Cli.Tests;

/// <summary>ffr generate against real HTTP servers on loopback, and the whole flow analyze -> plan -> generate -> train -> evaluate.</summary>
[Collection(CliCollection.Name)]
public sealed class GenerateCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ffr-generate-").FullName;
    private readonly ITestOutputHelper _output;

    public GenerateCommandTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task AnalyzePlanGenerateTrainEvaluate_FfrOnTheGeneratedPool_BeatsNoneErmOnWorstGroup()
    {
        // Real data: biased (0.95), no synthetic rows. The server draws its images from the same
        // dataset's synthetic pool: other garments than the real splits, with the synthetic signature.
        BenchmarkDatasetOptions Real(int synthetic) => new()
        {
            MajorityPerClass = 60, BiasRate = 0.95, ValidationPerSubgroup = 4, TestPerSubgroup = 10, SyntheticPerSubgroup = synthetic, Seed = 5,
        };
        string manifest = BenchmarkDataset.Create(Real(0)).WriteTo(Path.Combine(_folder, "real"));
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111, Real(120));

        var analyze = Ffr.Run("analyze", "--manifest", manifest, "--json");
        Assert.True(analyze.Code == 0, analyze.Error);
        int k;
        using (JsonDocument json = JsonDocument.Parse(analyze.Output))
        {
            k = json.RootElement.GetProperty("budget").GetProperty("ffr").GetProperty("bag|red").GetInt32();
        }

        string planFolder = Path.Combine(_folder, "plan");
        var plan = Ffr.Run("plan", "--manifest", manifest, "--strategy", "ffr", "--out", planFolder);
        Assert.True(plan.Code == 0, plan.Error);
        Assert.StartsWith($"{16 * k} images to generate for Ffr:", plan.Output);

        string pool = Path.Combine(_folder, "pool");
        string[] generate = { "generate", "--plan", Path.Combine(planFolder, "generation-plan.jsonl"), "--out", pool, "--endpoint", server.Url.ToString(), "--width", "32", "--height", "32", "--concurrency", "2", "--negative-prompt", "blurry" };
        var watch = Stopwatch.StartNew();
        var made = Ffr.Run(generate);
        _output.WriteLine($"generate: {16 * k} images in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.True(made.Code == 0, made.Error + made.Output);
        Assert.Contains($"generate [########################] {16 * k}/{16 * k} images ({16 * k} made, 0 already there)", made.Output);
        Assert.Contains($"Made {16 * k}, skipped 0 (already there), failed 0 of {16 * k} images ({16 * k} planned)", made.Output);
        Assert.Equal(16 * k, server.ImagesServed);
        Assert.All(server.Requests, r => Assert.Equal("blurry", r.Body["negative_prompt"]!.GetValue<string>()));

        var again = Ffr.Run(generate);
        Assert.True(again.Code == 0, again.Error);
        Assert.Contains($"Made 0, skipped {16 * k} (already there)", again.Output);
        Assert.Equal(16 * k, server.Requests.Count); // resumed: nothing asked again

        string ffrModel = Path.Combine(_folder, "models", "ffr.zip"), noneModel = Path.Combine(_folder, "models", "none.zip");
        watch.Restart();
        var ffr = Ffr.Run("train", "--manifest", manifest, "--synthetic", Path.Combine(pool, "manifest.csv"), "--strategy", "ffr", "--method", "erm", "--model-out", ffrModel, "--epochs", "10", "--fine-tuning-epochs", "4", "--seed", "1");
        Assert.True(ffr.Code == 0, ffr.Error);
        var none = Ffr.Run("train", "--manifest", manifest, "--strategy", "none", "--method", "erm", "--model-out", noneModel, "--epochs", "10", "--seed", "1");
        Assert.True(none.Code == 0, none.Error);
        _output.WriteLine($"train FFR-ERM and None-ERM: {watch.Elapsed.TotalSeconds:0.0} s");

        double Worst(string model)
        {
            var evaluate = Ffr.Run("evaluate", "--model", model, "--manifest", manifest, "--json");
            Assert.True(evaluate.Code == 0, evaluate.Error);
            using JsonDocument json = JsonDocument.Parse(evaluate.Output);
            return json.RootElement.GetProperty("worstGroupAccuracy").GetDouble();
        }

        double ffrWorst = Worst(ffrModel), noneWorst = Worst(noneModel);
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test worst-group accuracy: FFR-ERM on the generated pool {ffrWorst:0.000}, None-ERM {noneWorst:0.000}"));
        Assert.True(ffrWorst > noneWorst, $"FFR-ERM {ffrWorst} vs None-ERM {noneWorst}");
    }

    [Fact]
    public async Task Generate_ServerThatSpeaksAnotherApi_ExitTwoNamingTheApi()
    {
        await using LoopbackImageServer comfy = await LoopbackImageServer.StartAsync(TextToImageApi.ComfyUi);
        var (code, _, error) = Ffr.Run("generate", "--plan", Plan(), "--out", Path.Combine(_folder, "out"), "--endpoint", comfy.Url.ToString(), "--width", "32", "--height", "32");

        Assert.Equal(2, code);
        Assert.StartsWith($"ffr generate: {comfy.Url} answered 404 Not Found for POST /sdapi/v1/txt2img: the server does not seem to speak the automatic1111 API. AUTOMATIC1111, Forge and SD.Next serve /sdapi/v1 only when started with --api", error);
    }

    [Fact]
    public async Task Generate_SeveralEndpoints_SummaryHasImagesPerEndpointAndPerMinute()
    {
        await using LoopbackImageServer a = await LoopbackImageServer.StartAsync(TextToImageApi.ComfyUi);
        await using LoopbackImageServer b = await LoopbackImageServer.StartAsync(TextToImageApi.ComfyUi);
        string workflow = Path.Combine(AppContext.BaseDirectory, "comfyui-txt2img.json");
        string outDir = Path.Combine(_folder, "out");

        var (code, output, error) = Ffr.Run("generate", "--plan", Plan(), "--out", outDir, "--api", "comfyui", "--workflow", workflow, "--endpoint", a.Url.ToString(), b.Url.ToString(), "--width", "32", "--height", "32");

        Assert.True(code == 0, error);
        Assert.Contains("Endpoint                 Images  Retries  Failed tries  Images/min  State", output);
        Assert.Equal(4, a.ImagesServed + b.ImagesServed);
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "generation-summary.json")));
        JsonElement[] endpoints = summary.RootElement.GetProperty("endpoints").EnumerateArray().ToArray();
        Assert.Equal(new[] { a.Url.ToString(), b.Url.ToString() }, endpoints.Select(e => e.GetProperty("endpoint").GetString()));
        Assert.Equal(new[] { a.ImagesServed, b.ImagesServed }, endpoints.Select(e => e.GetProperty("images").GetInt32()));
        Assert.All(endpoints, e => Assert.Equal("live", e.GetProperty("state").GetString()));
        Assert.Equal(4, summary.RootElement.GetProperty("subgroups").EnumerateArray().Sum(s => s.GetProperty("valid").GetInt32()));
    }

    [Fact]
    public async Task Generate_CtrlC_StopsAfterTheImagesInFlightExit130_ThenResumes()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        server.Delay = TimeSpan.FromMilliseconds(300);
        string outDir = Path.Combine(_folder, "out");
        string[] args = { "generate", "--plan", Plan(), "--out", outDir, "--endpoint", server.Url.ToString(), "--width", "32", "--height", "32" };
        using var ctrlC = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var output = new StringWriter();
        var error = new StringWriter();

        int code = CliApp.Run(args, new CliContext(output, error, Interactive: false, ctrlC.Token));

        Assert.Equal(130, code);
        int made = Directory.GetFiles(outDir, "*.png", SearchOption.AllDirectories).Length;
        Assert.Equal(server.Requests.Count, made); // the request in flight was finished and written
        Assert.StartsWith($"ffr generate: stopped after the images in flight; {4 - made} not started. Run the same command again to resume", error.ToString());

        var resumed = Ffr.Run(args);
        Assert.True(resumed.Code == 0, resumed.Error);
        Assert.Contains($"Made {4 - made}, skipped {made} (already there), failed 0 of 4 images", resumed.Output);
    }

    public static TheoryData<string[], int, string> BadInputs() => new()
    {
        { new[] { "--plan", "{badplan}" }, 1, "ffr generate: Generation plan '{badplan}' line 2 is not JSON" },
        { new[] { "--plan", "{folder}/none.jsonl" }, 2, "ffr generate: Plan '{folder}/none.jsonl' was not found. Write a plan with 'ffr plan" },
        { new[] { "--endpoint", "localhost:7860" }, 2, "ffr generate: --endpoint 'localhost:7860' is not an http or https URL; give a server's root, such as http://127.0.0.1:7860" },
        { new[] { "--api", "midjourney" }, 2, "ffr generate: --api 'midjourney' is not one of automatic1111, comfyui, openai." },
        { new[] { "--api", "comfyui" }, 2, "ffr generate: --api comfyui needs --workflow FILE" },
        { new[] { "--api", "comfyui", "--workflow", "{noseed}" }, 1, "ffr generate: ComfyUI workflow '{noseed}' has no {{seed}} placeholder; put it where the value goes" },
        { new[] { "--api", "openai", "--api-key-variable", "FFR_TEST_UNSET_KEY" }, 2, "ffr generate: The environment variable FFR_TEST_UNSET_KEY holds no API key; set it (export FFR_TEST_UNSET_KEY=...), or name another variable with --api-key-variable." },
        { new[] { "--out", "{file}" }, 2, "ffr generate: --out '{file}' cannot be written: '{file}' is a file, but a folder is needed there. Choose another path." },
        { new[] { "--width", "0" }, 2, "ffr generate: --width '0' is not a whole number from 1 to 16384." },
        { new[] { "--cfg-scale", "0" }, 2, "ffr generate: --cfg-scale '0' is not a number above 0 and below 100." },
        { new[] { "--timeout", "0.005" }, 2, "ffr generate: --timeout '0.005' is not a number from 0.01 to 86400." },
        { new[] { "--concurrency", "65" }, 2, "ffr generate: --concurrency '65' is not a whole number from 1 to 64." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Generate_BadInput_OneMessageAndExitCode_NoRequest(string[] overrides, int expectedCode, string message)
    {
        string badPlan = Path.Combine(_folder, "bad.jsonl");
        File.WriteAllText(badPlan, File.ReadAllLines(Plan())[0] + "\nlabel,attribute,prompt\n");
        string noSeed = Path.Combine(_folder, "noseed.json");
        File.WriteAllText(noSeed, File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "comfyui-txt2img.json")).Replace("\"{{seed}}\"", "42", StringComparison.Ordinal));
        string file = Path.Combine(_folder, "a-file");
        File.WriteAllText(file, "not a folder");
        string Fill(string s) => s.Replace("{badplan}", badPlan).Replace("{folder}", _folder).Replace("{noseed}", noSeed).Replace("{file}", file);

        var options = new Dictionary<string, string> { ["--plan"] = Plan(), ["--out"] = Path.Combine(_folder, "out"), ["--endpoint"] = "http://127.0.0.1:9/" };
        for (int i = 0; i < overrides.Length; i += 2)
        {
            options[overrides[i]] = Fill(overrides[i + 1]);
        }

        var (code, _, error) = Ffr.Run(new[] { "generate" }.Concat(options.SelectMany(o => new[] { o.Key, o.Value })).ToArray());

        Assert.Equal(expectedCode, code);
        Assert.StartsWith(Fill(message), error);
        Assert.DoesNotContain("   at ", error);
        Assert.False(Directory.Exists(Path.Combine(_folder, "out", "bag")));
    }

    /// <summary>A plan of 4 images (one per subgroup of the benchmark), as 'ffr plan' writes it.</summary>
    private string Plan()
    {
        string path = Path.Combine(_folder, "plan.jsonl");
        string[] lines = new[] { ("tshirt", "red"), ("trouser", "green"), ("sneaker", "blue"), ("bag", "yellow") }
            .Select((s, i) => JsonSerializer.Serialize(new { label = s.Item1, attribute = s.Item2, index = 0, prompt = $"a photo of a {s.Item1} on a {s.Item2} background", seed = 11 + i, file = $"{s.Item1}/{s.Item2}/000000.png", strategy = "ffr" }))
            .ToArray();
        File.WriteAllLines(path, lines);
        return path;
    }
}
