using System.Globalization;
using System.Text.Json.Nodes;

namespace Ffr.MLNet.Generation;

/// <summary>
/// OpenAI's images API (several local servers serve it too): <c>POST /v1/images/generations</c> with
/// prompt, n 1, size and response_format b64_json, the key as a bearer token; the answer's
/// <c>data[0].b64_json</c> is the image and <c>revised_prompt</c>, when present, is logged.
/// </summary>
internal sealed class OpenAiImagesClient(EndpointConnection connection, ImageGeneratorOptions options) : ITextToImageClient
{
    internal const string Path = "v1/images/generations";

    public async Task<GeneratedImage> GenerateAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = request.Prompt,
            ["n"] = 1,
            ["size"] = string.Create(CultureInfo.InvariantCulture, $"{options.Width}x{options.Height}"),
            ["response_format"] = "b64_json",
        };
        if (options.Model is string model)
        {
            body["model"] = model;
        }

        if (options.SendSeedToOpenAi)
        {
            body["seed"] = request.Seed;
        }

        JsonNode answer = await connection.SendJsonAsync(HttpMethod.Post, Path, body, cancellationToken, bearer: options.ApiKey).ConfigureAwait(false);
        JsonNode? first = answer["data"] is JsonArray { Count: > 0 } data ? data[0] : null;
        string encoded = connection.RequireText(first, "b64_json", $"POST /{Path} (in data[0])");
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        if (first?["revised_prompt"] is JsonValue revised && revised.TryGetValue(out string? text))
        {
            reported["revised_prompt"] = text;
        }

        if (answer["created"] is JsonValue created)
        {
            reported["created"] = created.ToJsonString();
        }

        return new GeneratedImage(connection.FromBase64(encoded, $"POST /{Path}"), reported);
    }
}
