using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ffr.MLNet.Generation;

/// <summary>
/// AUTOMATIC1111's API (Forge and SD.Next serve it too): <c>POST /sdapi/v1/txt2img</c>; the answer's
/// <c>images</c> holds base64 PNGs and its <c>info</c> (a JSON text) the parameters the server used.
/// </summary>
internal sealed class Automatic1111Client(EndpointConnection connection, ImageGeneratorOptions options) : ITextToImageClient
{
    internal const string Path = "sdapi/v1/txt2img";

    /// <summary>The parameters of <c>info</c> kept in the generation log.</summary>
    private static readonly string[] Reported = { "seed", "steps", "cfg_scale", "sampler_name", "width", "height", "sd_model_name", "sd_model_hash" };

    public async Task<GeneratedImage> GenerateAsync(ImageRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["prompt"] = request.Prompt,
            ["negative_prompt"] = options.NegativePrompt,
            ["seed"] = request.Seed,
            ["steps"] = options.Steps,
            ["cfg_scale"] = options.CfgScale,
            ["width"] = options.Width,
            ["height"] = options.Height,
            ["sampler_name"] = options.Sampler,
            ["batch_size"] = 1,
            ["n_iter"] = 1,
        };
        JsonNode answer = await connection.SendJsonAsync(HttpMethod.Post, Path, body, cancellationToken).ConfigureAwait(false);
        if (answer["images"] is not JsonArray { Count: > 0 } images || images[0] is not JsonValue first || !first.TryGetValue(out string? encoded))
        {
            throw new GenerationTryException($"{connection.Endpoint} answered POST /{Path} without an 'images' list of base64 text: '{EndpointConnection.Excerpt(answer.ToJsonString())}'.");
        }

        return new GeneratedImage(connection.FromBase64(encoded, $"POST /{Path}"), ReadInfo(answer["info"]));
    }

    private static IReadOnlyDictionary<string, string> ReadInfo(JsonNode? info)
    {
        var reported = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonNode? parsed = null;
        try
        {
            parsed = info is JsonValue value && value.TryGetValue(out string? text) ? JsonNode.Parse(text) : info;
        }
        catch (JsonException)
        {
            // Some forks put free text here; the image is still good, only the log has less.
        }

        foreach (string key in Reported)
        {
            if (parsed is JsonObject o && o[key] is JsonValue v)
            {
                reported[key] = v.TryGetValue(out string? s) ? s : v.ToJsonString();
            }
        }

        return reported;
    }
}
