using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Tests.Http;

namespace Ffr.MLNet.Generation.Tests.Generation;

/// <summary>The server fails in each way it can; the run still ends with every planned image, valid.</summary>
public sealed class ImageGeneratorFaultTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<TextToImageApi, ServerFault> Faults()
    {
        var data = new TheoryData<TextToImageApi, ServerFault>();
        foreach (TextToImageApi api in Enum.GetValues<TextToImageApi>())
        {
            foreach (ServerFault fault in new[] { ServerFault.ServerError, ServerFault.TooManyRequests, ServerFault.Hang, ServerFault.MalformedBase64, ServerFault.TruncatedPng, ServerFault.WrongSize })
            {
                data.Add(api, fault);
            }
        }

        return data;
    }

    [Fact]
    public async Task Generate_ComfyUiImageMissingAfterAnAcceptedJob_IsAFailedTry_NotARejectedServer()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.ComfyUi);
        server.Faults = n => n == 1 ? ServerFault.OutputMissing : ServerFault.None;
        GenerationPlan plan = Kit.Plan(_dir, 1);

        GenerationSummary summary = await new ImageGenerator(Kit.Options(TextToImageApi.ComfyUi, server)).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal((4, 0), (summary.Made, summary.Failed));
        Assert.Equal(1, summary.Endpoints[0].FailedTries); // asked again on the same server, which stays in the run
        Assert.Null(summary.Endpoints[0].Reason);
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
    }

    [Fact]
    public async Task Generate_BodyStallsAfterTheHeaders_TheAttemptTimesOutAndIsAskedAgain()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        server.Faults = n => n == 1 ? ServerFault.StallBody : ServerFault.None;
        GenerationPlan plan = Kit.Plan(_dir, 1);
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, server);
        options.Timeout = TimeSpan.FromSeconds(3); // the server stalls for 30 s
        var watch = System.Diagnostics.Stopwatch.StartNew();

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal((4, 0), (summary.Made, summary.Failed));
        Assert.Equal(5, server.Requests.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"{watch.Elapsed.TotalSeconds:0.0} s: the stalled body was waited for, not timed out");
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Generate_FirstTwoRequestsFault_EveryImageMadeValid(TextToImageApi api, ServerFault fault)
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(api);
        server.Faults = n => n <= 2 ? fault : ServerFault.None;
        GenerationPlan plan = Kit.Plan(_dir, 1);
        ImageGeneratorOptions options = Kit.Options(api, server);
        options.Timeout = TimeSpan.FromSeconds(fault == ServerFault.Hang ? 3 : 30); // only a hang waits for the timeout (the server hangs 30 s); a loaded CI machine may be slow

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal((4, 0, 0), (summary.Made, summary.Failed, summary.LeftOut));
        Kit.AssertEveryImageMade(plan, _dir.File("out"), server);
        Assert.Equal(6, server.Requests.Count); // each fault asked again once
        IReadOnlyList<GenerationLogRecord> log = GenerationLog.Read(_dir.File("out/generation-log.jsonl"));
        bool transient = fault is ServerFault.ServerError or ServerFault.TooManyRequests or ServerFault.Hang;
        if (transient)
        {
            // Retried by the request's resilience pipeline: one try of the image, nothing failed.
            Assert.All(log, r => Assert.Equal(1, r.Tries));
            Assert.Equal((2, 0), (summary.Endpoints[0].Retries, summary.Endpoints[0].FailedTries));
        }
        else
        {
            // A bad answer fails the try; the image is tried again and the reason is logged.
            Assert.Equal((0, 2), (summary.Endpoints[0].Retries, summary.Endpoints[0].FailedTries));
            Assert.Equal(2, log.Sum(r => r.Tries - 1));
            string expected = fault switch
            {
                ServerFault.MalformedBase64 when api != TextToImageApi.ComfyUi => "whose image is not valid base64",
                ServerFault.WrongSize => "answered a 16x16 image; 32x32 was asked.",
                _ => "answered an image that cannot be decoded",
            };
            Assert.All(log.Where(r => r.Tries > 1).SelectMany(r => r.Error!), e => Assert.Contains(expected, e));
        }

        if (fault == ServerFault.TooManyRequests)
        {
            // Retry-After: 1 is honoured before the second and the third request.
            ServedRequest[] requests = server.Requests.OrderBy(r => r.Number).ToArray();
            Assert.True(requests[1].Time - requests[0].Time >= TimeSpan.FromSeconds(0.95), $"{(requests[1].Time - requests[0].Time).TotalSeconds} s");
            Assert.True(requests[2].Time - requests[1].Time >= TimeSpan.FromSeconds(0.95), $"{(requests[2].Time - requests[1].Time).TotalSeconds} s");
        }
    }

    [Fact]
    public async Task Generate_FaultOnEveryTry_GivesTheImageUpWithEveryReason()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        server.Faults = _ => ServerFault.WrongSize;
        GenerationPlan plan = Kit.Plan(_dir, 1, ("bag", "blue"));
        ImageGeneratorOptions options = Kit.Options(TextToImageApi.Automatic1111, server);

        GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, _dir.File("out"));

        Assert.Equal((0, 1), (summary.Made, summary.Failed));
        GenerationFailure failure = Assert.Single(summary.Failures);
        Assert.Equal(options.AttemptsPerImage, failure.Errors.Count);
        Assert.All(failure.Errors, e => Assert.Equal($"{server.Url} answered a 16x16 image; 32x32 was asked. Check --width and --height (and, for ComfyUI, the workflow's size and upscale nodes).", e));
        Assert.Equal(options.AttemptsPerImage, server.Requests.Count);
        GenerationLogRecord record = Assert.Single(GenerationLog.Read(_dir.File("out/generation-log.jsonl")));
        Assert.Equal(("failed", 3), (record.Status, record.Tries));
        Assert.Equal(1, summary.Subgroups.Single().Missing);
    }

    [Fact]
    public async Task Generate_GrayscaleGeneration_IsWrittenButLeftOutOfTheManifestAndReported()
    {
        await using LoopbackImageServer server = await LoopbackImageServer.StartAsync(TextToImageApi.Automatic1111);
        server.Faults = n => n == 3 ? ServerFault.Grayscale : ServerFault.None;
        GenerationPlan plan = Kit.Plan(_dir, 1);

        GenerationSummary summary = await Kit.GenerateAsync(plan, _dir, TextToImageApi.Automatic1111, server);

        Assert.Equal((4, 0, 1), (summary.Made, summary.Failed, summary.LeftOut));
        string gray = Assert.Single(summary.LeftOutImages);
        Assert.Contains("is grayscale among RGB images", gray);
        ImageManifest manifest = ImageManifest.Load(summary.ManifestPath!);
        Assert.Equal(3, manifest.Rows.Count);
        SubgroupGeneration shortSubgroup = Assert.Single(summary.Subgroups, s => s.Missing > 0);
        Assert.Equal((1, 0, 1), (shortSubgroup.Planned, shortSubgroup.Valid, shortSubgroup.Missing));
        Assert.Contains($"{shortSubgroup.Label}/{shortSubgroup.Attribute}/", gray);

        // A rerun asks nothing (the server would answer the same seed the same way) and reports the same shortfall.
        GenerationSummary again = await Kit.GenerateAsync(plan, _dir, TextToImageApi.Automatic1111, server);
        Assert.Equal((0, 4, 1, 1), (again.Made, again.Skipped, again.LeftOut, again.Missing));
        Assert.Equal(4, server.Requests.Count);
    }
}
