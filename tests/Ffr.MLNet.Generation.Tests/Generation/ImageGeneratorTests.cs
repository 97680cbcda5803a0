using System.Text;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Tests.Http;
using Xunit.Abstractions;

namespace Ffr.MLNet.Generation.Tests.Generation;

/// <summary>Resume, stop, scale-out and dead servers, over real HTTP.</summary>
public sealed class ImageGeneratorTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly ITestOutputHelper _output;

    public ImageGeneratorTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        var options = new ImageGeneratorOptions();
        Assert.Empty(options.Endpoints);
        Assert.Equal(TextToImageApi.Automatic1111, options.Api);
        Assert.Null(options.Workflow);
        Assert.Equal(string.Empty, options.NegativePrompt);
        Assert.Equal((20, 7.0, 512, 512, "Euler a"), (options.Steps, options.CfgScale, options.Width, options.Height, options.Sampler));
        Assert.Equal(1, options.ConcurrencyPerEndpoint);
        Assert.Equal(TimeSpan.FromSeconds(180), options.Timeout);
        Assert.Null(options.MaxImages);
        Assert.Null(options.ApiKey);
        Assert.Null(options.Model);
        Assert.False(options.SendSeedToOpenAi);
        Assert.Equal((4, TimeSpan.FromSeconds(1), 3), (options.MaxRetries, options.RetryDelay, options.AttemptsPerImage));
        Assert.Equal((TimeSpan.FromSeconds(15), 4, 3), (options.BreakDuration, options.BreakerMinimumThroughput, options.DeadAfterBreaks));
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.PollInterval);
        Assert.Null(options.Progress);
    }

    [Theory]
    [InlineData("ftp://host/", TextToImageApi.Automatic1111, null, "Endpoint 'ftp://host/' is not an http or https URL; give a server's root, such as http://127.0.0.1:7860.")]
    [InlineData("http://127.0.0.1:8188", TextToImageApi.ComfyUi, null, "The ComfyUI API needs a workflow in API format with placeholders (Workflow; --workflow FILE); see ComfyWorkflow.")]
    [InlineData("https://api.openai.com", TextToImageApi.OpenAi, null, "The OpenAI API needs an API key (ApiKey; the ffr tool reads it from the environment variable named by --api-key-variable).")]
    [InlineData(null, TextToImageApi.Automatic1111, null, "No endpoint to generate with: add the root URL of at least one server (--endpoint http://127.0.0.1:7860).")]
    public void Constructor_BadOptions_SayWhatToFix(string? endpoint, TextToImageApi api, string? key, string message)
    {
        var options = new ImageGeneratorOptions { Api = api, ApiKey = key };
        if (endpoint is not null)
        {
            options.Endpoints.Add(new Uri(endpoint));
        }

        var ex = Assert.ThrowsAny<ArgumentException>(() => new ImageGenerator(options));
        Assert.StartsWith(message, ex.Message);
    }

    [Fact]
    public async Task Generate_OutputFolderIsAFile_FailsBeforeAnyRequest()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        File.WriteAllText(_dir.File("out"), "a file");

        var ex = await Assert.ThrowsAsync<IOException>(() => new ImageGenerator(Kit.Options(TextToImageApi.Automatic1111, server)).GenerateAsync(Kit.Plan(_dir, 1), _dir.File("out")));

        Assert.Equal($"'{_dir.File("out")}' is a file, but a folder is needed there.", ex.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Generate_FaultsDeadServerAndResume_EveryPlannedImageOnceAndValid()
    {
        await using LoopbackImageServer flaky = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        await using LoopbackImageServer steady = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        ServerFault[] rotation = { ServerFault.ServerError, ServerFault.MalformedBase64, ServerFault.TooManyRequests, ServerFault.TruncatedPng, ServerFault.Hang, ServerFault.WrongSize };
        flaky.RetryAfterSeconds = 1;
        flaky.Faults = n => n >= 14 ? ServerFault.Die : n % 2 == 0 ? rotation[(n / 2) % rotation.Length] : ServerFault.None;
        steady.Delay = TimeSpan.FromMilliseconds(30);
        GenerationPlan plan = Kit.Plan(_dir, 6);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, flaky, steady);
        options.Timeout = TimeSpan.FromSeconds(3); // the hang (30 s) times out; a slow answer on a loaded machine does not
        options.ConcurrencyPerEndpoint = 2;
        options.MaxImages = 10;

        GenerationSummary first = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));
        Assert.Equal((10, 0, 0), (first.Made, first.Skipped, first.Failed));
        Kit.AssertEveryImageMade(plan, _dir.File("out"), steady, count: 10);

        options.MaxImages = null;
        GenerationSummary second = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));
        _output.WriteLine(second.ToTable());

        Assert.Equal((14, 10, 0, 0), (second.Made, second.Skipped, second.Failed, second.Missing));
        Kit.AssertEveryImageMade(plan, _dir.File("out"), steady);
        Assert.Equal(24, ImageManifest.Load(second.ManifestPath!).Rows.Count);
        IReadOnlyList<GenerationLogRecord> log = GenerationLog.Read(_dir.File("out/generation-log.jsonl"));
        Assert.Equal(plan.Items.Select(i => i.FileName).Order(), log.Where(r => r.Status == "made").Select(r => r.File).Order()); // each made exactly once over both runs
        Assert.InRange(flaky.ImagesServed + steady.ImagesServed, 24, 26); // an answer on a connection dropped by the dying server is lost and asked again
        Assert.True(second.Endpoints[1].Images > second.Endpoints[0].Images, "the steady server took the dead one's share");
        _output.WriteLine("flaky server's answers: " + string.Join(", ", flaky.Requests.OrderBy(r => r.Number).Select(r => r.Fault)));
        Assert.Superset(rotation.Append(ServerFault.Die).ToHashSet(), flaky.Requests.Select(r => r.Fault).ToHashSet()); // every fault happened
    }

    [Fact]
    public async Task Generate_Cancelled_FinishesTheImagesInFlightAndResumes()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        server.Delay = TimeSpan.FromMilliseconds(150);
        GenerationPlan plan = Kit.Plan(_dir, 5);
        using var stop = new CancellationTokenSource();
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, server);
        options.ConcurrencyPerEndpoint = 2;
        options.Progress = new Callback(p =>
        {
            if (p.Made >= 3)
            {
                stop.Cancel(); // Ctrl+C after the third image
            }
        });

        GenerationSummary stopped = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"), stop.Token);

        Assert.True(stopped.Stopped);
        Assert.InRange(stopped.Made, 3, 4); // the image in flight on the second worker is finished, not abandoned
        Assert.Equal(20, stopped.Made + stopped.NotStarted);
        Assert.Equal(stopped.Made, server.Requests.Count);
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server, count: stopped.Made); // the queue is taken in plan order

        options.Progress = null;
        GenerationSummary resumed = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));
        Assert.False(resumed.Stopped);
        Assert.Equal((20 - stopped.Made, stopped.Made), (resumed.Made, resumed.Skipped));
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
    }

    [Fact]
    public async Task Generate_TwoEndpoints_TheFasterTakesMoreAndEachKeepsItsConcurrency()
    {
        await using LoopbackImageServer fast = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        await using LoopbackImageServer slow = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        fast.Delay = TimeSpan.FromMilliseconds(40);
        slow.Delay = TimeSpan.FromMilliseconds(200);
        GenerationPlan plan = Kit.Plan(_dir, 12);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, fast, slow);
        options.ConcurrencyPerEndpoint = 2;

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));
        _output.WriteLine(summary.ToTable());

        Assert.Equal(48, summary.Made);
        (EndpointGeneration f, EndpointGeneration s) = (summary.Endpoints[0], summary.Endpoints[1]);
        Assert.Equal((fast.Url.ToString(), slow.Url.ToString()), (f.Endpoint, s.Endpoint));
        Assert.Equal((fast.ImagesServed, slow.ImagesServed), (f.Images, s.Images));
        Assert.True(f.Images > s.Images, $"fast {f.Images}, slow {s.Images}"); // 5x faster per image; per-request overheads on a loaded machine shrink the ratio
        Assert.True(s.Images > 0);
        Assert.Equal(2, fast.MaxConcurrent);
        Assert.Equal(2, slow.MaxConcurrent);
        Assert.Equal(summary.ImagesPerMinute, f.ImagesPerMinute + s.ImagesPerMinute, 0.05);
        Assert.Equal(f.Images / (summary.Seconds / 60), f.ImagesPerMinute, 0.05 * f.ImagesPerMinute);
    }

    [Fact]
    public async Task Generate_EveryEndpointDead_GivesUpWithNoEndpointLeftAndAResumableFolder()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        server.Faults = n => n == 3 ? ServerFault.Die : ServerFault.None;
        GenerationPlan plan = Kit.Plan(_dir, 2);

        GenerationSummary summary = await Kit.GenerateAsync(plan, _dir, TextToImageApi.Automatic1111, server);

        EndpointGeneration endpoint = Assert.Single(summary.Endpoints);
        Assert.Equal((EndpointState.Dead, 2), (endpoint.State, endpoint.Images));
        Assert.StartsWith("its circuit opened 2 times in a row without a success between (last failure: ", endpoint.Reason);
        Assert.Equal((2, 6), (summary.Made, summary.Failed));
        Assert.All(summary.Failures, f => Assert.StartsWith("no endpoint left to try it", f.Errors[^1]));
        Assert.Equal(2, ImageManifest.Load(summary.ManifestPath!).Rows.Count);
        Assert.Equal(6, summary.Missing);
    }

    [Fact]
    public async Task Generate_LogWithATornLastLine_KeepsEveryWholeRecord()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        GenerationPlan plan = Kit.Plan(_dir, 2);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, server);
        options.MaxImages = 3;
        await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));
        string log = _dir.File("out/generation-log.jsonl");
        File.AppendAllText(log, "{\"time\":\"2025-01-01T00:00:00+00:00\",\"file\":\"tshirt/re"); // what a kill mid-write leaves

        options.MaxImages = null;
        await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        IReadOnlyList<GenerationLogRecord> records = GenerationLog.Read(log);
        Assert.Equal(plan.Items.Select(i => i.FileName).Order(), records.Select(r => r.File).Order());
        string[] lines = File.ReadAllLines(log, Encoding.UTF8);
        Assert.Equal(9, lines.Length); // 3 records, the torn line on its own, 5 records
        Assert.EndsWith("\"file\":\"tshirt/re", lines[3]);
    }

    private sealed class Callback : IProgress<GenerationProgress>
    {
        private readonly Action<GenerationProgress> _action;

        public Callback(Action<GenerationProgress> action) => _action = action;

        public void Report(GenerationProgress value) => _action(value);
    }
}
