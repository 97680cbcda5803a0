using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;

namespace Ffr.MLNet.Generation;

/// <summary>
/// ComfyUI's API: <c>POST /prompt</c> with the filled workflow and a client id, answering a
/// <c>prompt_id</c>; <c>GET /history/{prompt_id}</c> until the prompt is listed with its output
/// images (polled by a Polly retry on "not listed yet", within <see cref="ImageGeneratorOptions.Timeout"/>);
/// <c>GET /view?filename=&amp;subfolder=&amp;type=</c> for the first output image.
/// </summary>
internal sealed class ComfyUiClient : ITextToImageClient
{
    internal const string Path = "prompt";

    private readonly EndpointConnection _connection;
    private readonly ImageGeneratorOptions _options;
    private readonly ComfyWorkflow _workflow;
    private readonly string _clientId = Guid.NewGuid().ToString("N");
    private readonly ResiliencePipeline<JsonObject?> _poll;

    public ComfyUiClient(EndpointConnection connection, ImageGeneratorOptions options, ComfyWorkflow workflow)
    {
        _connection = connection;
        _options = options;
        _workflow = workflow;
        _poll = new ResiliencePipelineBuilder<JsonObject?>()
            .AddTimeout(options.Timeout)
            .AddRetry(new RetryStrategyOptions<JsonObject?>
            {
                ShouldHandle = new PredicateBuilder<JsonObject?>().HandleResult(entry => entry is null),
                MaxRetryAttempts = int.MaxValue,
                Delay = options.PollInterval,
                BackoffType = DelayBackoffType.Constant,
            })
            .Build();
    }

    public async Task<GeneratedImage> GenerateAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["prompt"] = _workflow.Fill(request, _options), ["client_id"] = _clientId };
        JsonNode queued = await _connection.SendJsonAsync(HttpMethod.Post, Path, body, cancellationToken).ConfigureAwait(false);
        string promptId = _connection.RequireText(queued, "prompt_id", $"POST /{Path}");

        JsonObject entry = (await _poll.ExecuteAsync(
            async token => await HistoryEntryAsync(promptId, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false))!;
        JsonObject image = FirstImage(entry)
            ?? throw new GenerationTryException($"{_connection.Endpoint} finished prompt {promptId} without an output image; the workflow needs a SaveImage node.");
        string filename = _connection.RequireText(image, "filename", $"GET /history/{promptId}");
        string subfolder = image["subfolder"]?.GetValue<string>() ?? string.Empty;
        string type = image["type"]?.GetValue<string>() ?? "output";
        byte[] bytes = await _connection.GetBytesAsync(
            $"view?filename={Uri.EscapeDataString(filename)}&subfolder={Uri.EscapeDataString(subfolder)}&type={Uri.EscapeDataString(type)}", cancellationToken).ConfigureAwait(false);
        return new GeneratedImage(bytes, new Dictionary<string, string>(StringComparer.Ordinal) { ["prompt_id"] = promptId, ["filename"] = filename });
    }

    /// <summary>The prompt's history entry once it has finished; null while it is queued or running.</summary>
    private async Task<JsonObject?> HistoryEntryAsync(string promptId, CancellationToken cancellationToken)
    {
        JsonNode history = await _connection.SendJsonAsync(HttpMethod.Get, $"history/{Uri.EscapeDataString(promptId)}", null, cancellationToken).ConfigureAwait(false);
        if (history[promptId] is not JsonObject entry)
        {
            return null;
        }

        JsonNode? status = entry["status"];
        if (status?["status_str"]?.GetValue<string>() == "error")
        {
            throw new GenerationTryException($"{_connection.Endpoint} failed prompt {promptId}: {EndpointConnection.Excerpt(status!["messages"]?.ToJsonString() ?? "no message")}.");
        }

        bool completed = status?["completed"]?.GetValue<bool>() ?? true;
        return completed || FirstImage(entry) is not null ? entry : null;
    }

    private static JsonObject? FirstImage(JsonObject entry)
    {
        JsonObject[] images = (entry["outputs"] as JsonObject ?? new JsonObject())
            .SelectMany(output => output.Value?["images"] as JsonArray ?? new JsonArray())
            .OfType<JsonObject>()
            .ToArray();
        return images.FirstOrDefault(i => i["type"]?.GetValue<string>() == "output") ?? images.FirstOrDefault();
    }
}
