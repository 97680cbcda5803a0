using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ffr.MLNet.Tests.Http;

/// <summary>What the test server does to one generation request instead of answering it well.</summary>
public enum ServerFault
{
    /// <summary>Answers well.</summary>
    None,

    /// <summary>500 Internal Server Error.</summary>
    ServerError,

    /// <summary>429 Too Many Requests with Retry-After (<see cref="LoopbackImageServer.RetryAfterSeconds"/>).</summary>
    TooManyRequests,

    /// <summary>Never answers (until the client gives up, or 30 seconds).</summary>
    Hang,

    /// <summary>An image that is not base64 (ComfyUI: bytes that are no image).</summary>
    MalformedBase64,

    /// <summary>The PNG cut in half.</summary>
    TruncatedPng,

    /// <summary>The image in gray.</summary>
    Grayscale,

    /// <summary>An image of half the asked size.</summary>
    WrongSize,

    /// <summary>The connection is dropped and the server stops listening.</summary>
    Die,

    /// <summary>200 and the start of a JSON body, then nothing more (until the client gives up, or 30 seconds).</summary>
    StallBody,

    /// <summary>ComfyUI: the job is accepted and finishes, but <c>/view</c> answers 404 for its image.</summary>
    OutputMissing,
}

/// <summary>A generation request the server received.</summary>
public sealed record ServedRequest(int Number, DateTime Time, string Path, JsonNode Body, ServerFault Fault, string? Authorization);

/// <summary>
/// A real HTTP server (in-process Kestrel on 127.0.0.1, a free port) that speaks one text-to-image
/// API: AUTOMATIC1111's <c>/sdapi/v1/txt2img</c>, ComfyUI's <c>/prompt</c>, <c>/history</c> and
/// <c>/view</c>, or OpenAI's <c>/v1/images/generations</c>; every other path answers 404. Its images
/// are the benchmark renderer's synthetic images (with the synthetic signature) of the label and
/// attribute the prompt names, picked by the seed. It can be told to fail (<see cref="Faults"/>),
/// to be slow (<see cref="Delay"/>), and it records what it was asked. Hangs end by themselves.
/// </summary>
public sealed class LoopbackImageServer : IAsyncDisposable
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(30);
    private readonly WebApplication _app;
    private readonly Dictionary<(string Label, string Attribute), RgbImage[]> _images;
    private readonly ConcurrentQueue<ServedRequest> _requests = new();
    private readonly ConcurrentDictionary<string, ComfyJob> _jobs = new();
    private int _requestCount;
    private int _inFlight;
    private int _maxInFlight;
    private int _served;

    private LoopbackImageServer(TextToImageApi api, WebApplication app, Dictionary<(string, string), RgbImage[]> images)
    {
        Api = api;
        _app = app;
        _images = images;
    }

    /// <summary>The API the server speaks.</summary>
    public TextToImageApi Api { get; }

    /// <summary>The server's root URL.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>The fault for generation request number n (from 1).</summary>
    public Func<int, ServerFault> Faults { get; set; } = _ => ServerFault.None;

    /// <summary>Time each generation takes (a GPU's work).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Retry-After of a 429 answer.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>The bearer key an OpenAI request must carry; null accepts any.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Every generation request, in arrival order.</summary>
    public IReadOnlyList<ServedRequest> Requests => _requests.ToArray();

    /// <summary>Good images served.</summary>
    public int ImagesServed => Volatile.Read(ref _served);

    /// <summary>The most generation requests it worked on at once.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxInFlight);

    /// <summary>Starts a server on a free loopback port; its images come from the benchmark dataset built with <paramref name="dataset"/>.</summary>
    public static async Task<LoopbackImageServer> StartAsync(TextToImageApi api, BenchmarkDatasetOptions? dataset = null)
    {
        dataset ??= new BenchmarkDatasetOptions { MajorityPerClass = 20, ValidationPerSubgroup = 1, TestPerSubgroup = 1, SyntheticPerSubgroup = 40 };
        BenchmarkDataset data = BenchmarkDataset.Create(dataset);
        var images = data.SyntheticPool.GroupBy(r => (r.Label, r.Attribute)).ToDictionary(g => g.Key, g => g.Select(r => r.Image!).ToArray());

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        WebApplication app = builder.Build();
        var server = new LoopbackImageServer(api, app, images);
        server.Map(app);
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        return server;
    }

    /// <summary>The PNG the server draws, unfaulted, for a prompt's subgroup and a seed.</summary>
    public byte[] Expected(string label, string attribute, int seed, int width, int height) => Draw(label, attribute, seed, width, height).EncodePng();

    /// <summary>Stops listening: later connections are refused.</summary>
    public Task StopAsync() => _app.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        switch (Api)
        {
            case TextToImageApi.Automatic1111:
                app.MapPost("/sdapi/v1/txt2img", (RequestDelegate)Automatic1111Async);
                break;
            case TextToImageApi.ComfyUi:
                app.MapPost("/prompt", (RequestDelegate)ComfyPromptAsync);
                app.MapGet("/history/{id}", (RequestDelegate)ComfyHistoryAsync);
                app.MapGet("/view", (RequestDelegate)ComfyViewAsync);
                break;
            default:
                app.MapPost("/v1/images/generations", (RequestDelegate)OpenAiAsync);
                break;
        }
    }

    private async Task Automatic1111Async(HttpContext context)
    {
        await GenerationAsync(context, async (body, fault) =>
        {
            int seed = body["seed"]!.GetValue<int>(), width = body["width"]!.GetValue<int>(), height = body["height"]!.GetValue<int>();
            string image = Base64(Encode(body["prompt"]!.GetValue<string>(), seed, width, height, fault), fault);
            var info = new JsonObject
            {
                ["prompt"] = body["prompt"]!.GetValue<string>(), ["seed"] = seed, ["steps"] = body["steps"]!.GetValue<int>(), ["cfg_scale"] = body["cfg_scale"]!.GetValue<double>(),
                ["sampler_name"] = body["sampler_name"]!.GetValue<string>(), ["width"] = width, ["height"] = height, ["sd_model_name"] = "ffr-benchmark-renderer",
            };
            await Json(context, new JsonObject { ["images"] = new JsonArray(image), ["parameters"] = body.DeepClone(), ["info"] = info.ToJsonString() });
        });
    }

    private async Task OpenAiAsync(HttpContext context)
    {
        if (ApiKey is not null && context.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
        {
            context.Response.StatusCode = 401;
            await Json(context, new JsonObject { ["error"] = new JsonObject { ["message"] = "Incorrect API key provided." } });
            return;
        }

        await GenerationAsync(context, async (body, fault) =>
        {
            string prompt = body["prompt"]!.GetValue<string>();
            string[] size = body["size"]!.GetValue<string>().Split('x');
            int seed = body["seed"]?.GetValue<int>() ?? prompt.Aggregate(17, (h, c) => unchecked((h * 31) + c)) & int.MaxValue;
            string image = Base64(Encode(prompt, seed, int.Parse(size[0], CultureInfo.InvariantCulture), int.Parse(size[1], CultureInfo.InvariantCulture), fault), fault);
            await Json(context, new JsonObject { ["created"] = 1700000000, ["data"] = new JsonArray(new JsonObject { ["b64_json"] = image, ["revised_prompt"] = prompt }) });
        });
    }

    private async Task ComfyPromptAsync(HttpContext context)
    {
        await GenerationAsync(context, async (body, fault) =>
        {
            JsonObject graph = body["prompt"]!.AsObject();
            JsonNode Node(string type) => graph.Select(n => n.Value!).First(n => n["class_type"]!.GetValue<string>() == type)["inputs"]!;
            JsonNode sampler = Node("KSampler"), latent = Node("EmptyLatentImage");
            string positive = sampler["positive"]![0]!.GetValue<string>();
            var job = new ComfyJob(
                graph[positive]!["inputs"]!["text"]!.GetValue<string>(), sampler["seed"]!.GetValue<int>(), latent["width"]!.GetValue<int>(), latent["height"]!.GetValue<int>(), fault, graph);
            string id = Guid.NewGuid().ToString();
            _jobs[id] = job;
            await Json(context, new JsonObject { ["prompt_id"] = id, ["number"] = _jobs.Count, ["node_errors"] = new JsonObject() });
        });
    }

    private async Task ComfyHistoryAsync(HttpContext context)
    {
        string id = (string)context.Request.RouteValues["id"]!;
        if (!_jobs.TryGetValue(id, out ComfyJob? job) || Interlocked.Increment(ref job.Polls) == 1)
        {
            await Json(context, new JsonObject()); // unknown, or still running at the first look
            return;
        }

        var image = new JsonObject { ["filename"] = $"ffr_{id}.png", ["subfolder"] = string.Empty, ["type"] = "output" };
        await Json(context, new JsonObject
        {
            [id] = new JsonObject
            {
                ["prompt"] = new JsonArray(1, id, job.Graph.DeepClone(), new JsonObject(), new JsonArray("9")),
                ["outputs"] = new JsonObject { ["9"] = new JsonObject { ["images"] = new JsonArray(image) } },
                ["status"] = new JsonObject { ["status_str"] = "success", ["completed"] = true, ["messages"] = new JsonArray() },
            },
        });
    }

    private async Task ComfyViewAsync(HttpContext context)
    {
        string file = context.Request.Query["filename"].ToString();
        string id = file.Length > 8 ? file[4..^4] : string.Empty;
        if (!_jobs.TryGetValue(id, out ComfyJob? job) || context.Request.Query["type"] != "output" || job.Fault == ServerFault.OutputMissing)
        {
            context.Response.StatusCode = 404;
            return;
        }

        byte[] bytes = job.Fault == ServerFault.MalformedBase64 ? "<html>not an image</html>"u8.ToArray() : Encode(job.Prompt, job.Seed, job.Width, job.Height, job.Fault);
        context.Response.ContentType = "image/png";
        await context.Response.Body.WriteAsync(bytes);
    }

    /// <summary>Counts, records and faults a generation request, then lets <paramref name="answer"/> answer it.</summary>
    private async Task GenerationAsync(HttpContext context, Func<JsonNode, ServerFault, Task> answer)
    {
        JsonNode body = (await JsonNode.ParseAsync(context.Request.Body))!;
        int number = Interlocked.Increment(ref _requestCount);
        ServerFault fault = Faults(number);
        _requests.Enqueue(new ServedRequest(number, DateTime.UtcNow, context.Request.Path, body, fault, context.Request.Headers.Authorization.FirstOrDefault()));
        int now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        try
        {
            switch (fault)
            {
                case ServerFault.ServerError:
                    context.Response.StatusCode = 500;
                    await context.Response.WriteAsync("CUDA out of memory (simulated)");
                    return;
                case ServerFault.TooManyRequests:
                    context.Response.StatusCode = 429;
                    context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                    await context.Response.WriteAsync("busy");
                    return;
                case ServerFault.Hang:
                    try
                    {
                        await Task.Delay(HangLimit, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
                case ServerFault.Die:
                    context.Abort();
                    _ = Task.Run(StopAsync);
                    return;
                case ServerFault.StallBody:
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("{\"images\": [\"iVBOR");
                    await context.Response.Body.FlushAsync();
                    try
                    {
                        await Task.Delay(HangLimit, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                    }

                    return;
            }

            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, context.RequestAborted);
            }

            await answer(body, fault);
            if (fault == ServerFault.None)
            {
                Interlocked.Increment(ref _served);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private byte[] Encode(string prompt, int seed, int width, int height, ServerFault fault)
    {
        (string label, string attribute) = Subgroup(prompt);
        RgbImage image = Draw(label, attribute, seed, fault == ServerFault.WrongSize ? width / 2 : width, fault == ServerFault.WrongSize ? height / 2 : height);
        if (fault == ServerFault.Grayscale)
        {
            var gray = new byte[image.Pixels.Length];
            for (int i = 0; i < gray.Length; i += 3)
            {
                gray[i] = gray[i + 1] = gray[i + 2] = (byte)((image.Pixels[i] + image.Pixels[i + 1] + image.Pixels[i + 2]) / 3);
            }

            image = new RgbImage(image.Width, image.Height, gray);
        }

        byte[] png = image.EncodePng();
        return fault == ServerFault.TruncatedPng ? png[..(png.Length / 2)] : png;
    }

    private RgbImage Draw(string label, string attribute, int seed, int width, int height)
    {
        RgbImage[] images = _images[(label, attribute)];
        return images[(int)((uint)seed % (uint)images.Length)].Resize(width, height);
    }

    /// <summary>The benchmark label and attribute a prompt names, word for word.</summary>
    private static (string Label, string Attribute) Subgroup(string prompt)
    {
        string[] words = prompt.ToLowerInvariant().Split(new[] { ' ', ',', '.', '(', ')' }, StringSplitOptions.RemoveEmptyEntries);
        string? label = BenchmarkDataset.Labels.FirstOrDefault(words.Contains);
        string? attribute = BenchmarkDataset.Attributes.FirstOrDefault(words.Contains);
        return label is null || attribute is null
            ? throw new BadHttpRequestException($"The prompt '{prompt}' names no benchmark label and background.")
            : (label, attribute);
    }

    private static string Base64(byte[] bytes, ServerFault fault) => fault == ServerFault.MalformedBase64 ? "!!not*base64!!" : Convert.ToBase64String(bytes);

    private static Task Json(HttpContext context, JsonNode node)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(node.ToJsonString());
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    /// <summary>A queued ComfyUI prompt: what to draw, its fault, its graph, and how often its history was asked.</summary>
    private sealed record ComfyJob(string Prompt, int Seed, int Width, int Height, ServerFault Fault, JsonObject Graph)
    {
        public int Polls;
    }
}
