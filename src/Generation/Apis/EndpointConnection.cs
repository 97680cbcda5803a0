using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Http.Resilience;

namespace Ffr.MLNet.Generation;

/// <summary>One image to ask a server for.</summary>
/// <param name="Prompt">The plan's prompt.</param>
/// <param name="Seed">The plan's seed.</param>
internal sealed record ImageRequest(string Prompt, int Seed);

/// <summary>What a server answered: the encoded image, and the generation parameters it reported (empty when its API reports none).</summary>
internal sealed record GeneratedImage(byte[] Bytes, IReadOnlyDictionary<string, string> ServerParameters);

/// <summary>Asks one server, in one API, for one image.</summary>
internal interface ITextToImageClient
{
    Task<GeneratedImage> GenerateAsync(ImageRequest request, CancellationToken cancellationToken);
}

/// <summary>A failed try of one image that another try (on any endpoint) may fix: an error answer, or an answer that is not a valid image.</summary>
internal sealed class GenerationTryException : Exception
{
    public GenerationTryException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>The endpoint cannot serve this run at all (404 for the API's path, a refused key): it is taken out of the run.</summary>
internal sealed class EndpointRejectedException : Exception
{
    public EndpointRejectedException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// The HTTP side of one endpoint: an <see cref="HttpClient"/> whose handler runs every request
/// through the endpoint's resilience pipeline (<see cref="EndpointResilience"/>), relative paths
/// resolved against the endpoint's root, and answers turned into JSON, bytes or the exceptions the
/// generator sorts failures by.
/// </summary>
internal sealed class EndpointConnection : IDisposable
{
    private const int BodyExcerpt = 300;
    private readonly HttpClient _http;
    private readonly TextToImageApi _api;

    public EndpointConnection(Uri endpoint, TextToImageApi api, EndpointHealth health, ImageGeneratorOptions options)
    {
        Endpoint = endpoint;
        _api = api;
        Root = RootOf(endpoint, api);
        var handler = new ResilienceHandler(EndpointResilience.Build(options, health))
        {
            InnerHandler = new BufferingHandler
            {
                InnerHandler = new SocketsHttpHandler { ConnectTimeout = options.Timeout, PooledConnectionLifetime = TimeSpan.FromMinutes(5) },
            },
        };

        // The pipeline times each attempt; HttpClient's own timeout would cut across the retries.
        _http = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    /// <summary>The endpoint as the user gave it (used in messages and the summary).</summary>
    public Uri Endpoint { get; }

    /// <summary>The root that API paths are resolved against (a trailing <c>/v1</c> is dropped for OpenAI).</summary>
    public Uri Root { get; }

    public async Task<JsonNode> SendJsonAsync(HttpMethod method, string path, JsonNode? body, CancellationToken cancellationToken, string? bearer = null)
    {
        using HttpResponseMessage response = await SendAsync(method, path, body, bearer, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return JsonNode.Parse(text) ?? throw new JsonException("the answer is JSON null");
        }
        catch (JsonException ex)
        {
            throw new GenerationTryException($"{Endpoint} answered {method} /{path} with something that is not JSON ({ex.Message}): '{Excerpt(text)}'.", ex);
        }
    }

    public async Task<byte[]> GetBytesAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await SendAsync(HttpMethod.Get, pathAndQuery, null, null, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>Reads a JSON text property, failing the try with a message that names what is missing.</summary>
    public string RequireText(JsonNode? node, string property, string what)
    {
        if (node?[property] is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrEmpty(text))
        {
            return text;
        }

        throw new GenerationTryException($"{Endpoint} answered {what} without a '{property}' text: '{Excerpt(node?.ToJsonString() ?? "null")}'.");
    }

    /// <summary>Decodes a base64 image (an optional <c>data:image/...;base64,</c> prefix is dropped).</summary>
    public byte[] FromBase64(string text, string what)
    {
        int comma = text.StartsWith("data:", StringComparison.Ordinal) ? text.IndexOf(',', StringComparison.Ordinal) : -1;
        try
        {
            return Convert.FromBase64String(comma >= 0 ? text[(comma + 1)..] : text);
        }
        catch (FormatException ex)
        {
            throw new GenerationTryException($"{Endpoint} answered {what} whose image is not valid base64 ({ex.Message}): '{Excerpt(text)}'.", ex);
        }
    }

    private static Uri RootOf(Uri endpoint, TextToImageApi api)
    {
        string text = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (api == TextToImageApi.OpenAi && text.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^3];
        }

        return new Uri(text + "/");
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, JsonNode? body, string? bearer, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(Root, path));
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string what = $"{Endpoint} answered {(int)response.StatusCode} {response.ReasonPhrase} for {method} /{path.Split('?')[0]}";
            // A POST is an API's entry (txt2img, /prompt, /v1/images/generations): a 404 there means another API.
            // A GET follows an accepted job (ComfyUI's history and files), so its 404 is one failed try.
            throw response.StatusCode switch
            {
                HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed when method == HttpMethod.Post =>
                    new EndpointRejectedException($"{what}: the server does not seem to speak the {_api.Name()} API. {Hint(_api)}"),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    new EndpointRejectedException($"{what}: it refused the request{(_api == TextToImageApi.OpenAi ? "; check the API key in the environment variable" : "; check the server's access settings")}. Its answer: '{Excerpt(text)}'."),
                _ => new GenerationTryException($"{what}: '{Excerpt(text)}'."),
            };
        }
    }

    private static string Hint(TextToImageApi api) => api switch
    {
        TextToImageApi.Automatic1111 => "AUTOMATIC1111, Forge and SD.Next serve /sdapi/v1 only when started with --api; if the server is ComfyUI or OpenAI-compatible, pass --api comfyui or --api openai.",
        TextToImageApi.ComfyUi => "ComfyUI serves POST /prompt at its root (port 8188 by default); if the server is AUTOMATIC1111 or OpenAI-compatible, pass --api automatic1111 or --api openai.",
        _ => "Give the server's root URL (a trailing /v1 is accepted); if the server is AUTOMATIC1111 or ComfyUI, pass --api automatic1111 or --api comfyui.",
    };

    internal static string Excerpt(string text) => text.Length <= BodyExcerpt ? text : text[..BodyExcerpt] + "...";

    /// <summary>
    /// Reads each answer's body inside the attempt, so that the resilience pipeline's per-attempt timeout
    /// covers a server that sends its headers and then stalls (HttpClient would otherwise read the body
    /// after the pipeline has returned, with no timeout at all).
    /// </summary>
    private sealed class BufferingHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                byte[] body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
                var buffered = new ByteArrayContent(body);
                foreach (KeyValuePair<string, IEnumerable<string>> header in response.Content.Headers)
                {
                    buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }

                response.Content.Dispose();
                response.Content = buffered;
                return response;
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }
}
