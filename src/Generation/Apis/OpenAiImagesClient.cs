using System.Globalization;
using System.Text.Json.Nodes;

namespace Ffr.MLNet.Generation;

/// <summary>
/// OpenAI's images API (several local servers serve it too): <c>POST /v1/images/generations</c> with
/// prompt, n 1, size and response_format b64_json, the key as a bearer token; the answer's
/// <c>data[0].b64_json</c> is the image and <c>revised_prompt</c>, when present, is logged.
/// </summary>
internal sealed class OpenAiImagesClient : ITextToImageClient
{
    internal const string Path = "v1/images/generations";

    private readonly EndpointConnection _connection;
    private readonly ImageGeneratorOptions _options;

    public OpenAiImagesClient(EndpointConnection connection, ImageGeneratorOptions options)
    {
        _connection = connection;
        _options = options;
    }

    public async Task<GeneratedImage> GenerateAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = request.Prompt,
            ["n"] = 1,
            ["size"] = string.Create(CultureInfo.InvariantCulture, $"{_options.Width}x{_options.Height}"),
            ["response_format"] = "b64_json",
        };
        if (_options.Model is string model)
        {
            body["model"] = model;
        }

        if (_options.SendSeedToOpenAi)
        {
            body["seed"] = request.Seed;
        }

        JsonNode answer = await _connection.SendJsonAsync(HttpMethod.Post, Path, body, cancellationToken, bearer: _options.ApiKey).ConfigureAwait(false);
        JsonNode? first = answer["data"] is JsonArray { Count: > 0 } data ? data[0] : null;
        string encoded = _connection.RequireText(first, "b64_json", $"POST /{Path} (in data[0])");
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        if (first?["revised_prompt"] is JsonValue revised && revised.TryGetValue(out string? text))
        {
            reported["revised_prompt"] = text;
        }

        if (answer["created"] is JsonValue created)
        {
            reported["created"] = created.ToJsonString();
        }

        return new GeneratedImage(_connection.FromBase64(encoded, $"POST /{Path}"), reported);
    }
}
