using System.Globalization;

namespace Ffr.MLNet.Generation;

/// <summary>
/// Makes the images of a <see cref="GenerationPlan"/> with text-to-image servers
/// (<see cref="TextToImageApi"/>): each image is asked for with the plan's prompt and seed and
/// written to the plan's file under the output folder, atomically (a temporary file renamed when
/// complete), so a kill never leaves a half image and a rerun skips every finished image.
/// </summary>
/// <remarks>
/// <para>Every endpoint's workers (<see cref="ImageGeneratorOptions.ConcurrencyPerEndpoint"/> each)
/// take images from one shared queue, so a faster server takes more. Requests are retried with
/// exponential backoff and jitter on timeouts, connection errors, 429 (honouring Retry-After) and 5xx
/// answers; a circuit breaker per endpoint stops sending to a failing server, whose share then goes to
/// the others; an answer that is not a decodable image of the asked size is tried again, on any
/// endpoint, up to <see cref="ImageGeneratorOptions.AttemptsPerImage"/> times.</para>
/// <para>The output folder ends up with <c>generation-log.jsonl</c> (<see cref="GenerationLog"/>),
/// <c>manifest.csv</c> (every valid image, Source synthetic, Split train, validated by
/// <see cref="GenerationPlan.IngestFolder"/>: grayscale and unreadable images reported and left out)
/// and <c>generation-summary.json</c> (<see cref="GenerationSummary"/>).</para>
/// <para>Cancelling the token stops taking new images; the images in flight are finished and the
/// summary (with <see cref="GenerationSummary.Stopped"/>) is returned rather than an exception.</para>
/// <para>Not an ML.NET catalog component: it reads a plan and writes files, and no IDataView goes in
/// or out. Load its pool with <see cref="GenerationPlan.IngestFolder"/> or the manifest it writes.</para>
/// </remarks>
public sealed class ImageGenerator
{
    /// <summary>The manifest's file name in the output folder.</summary>
    public const string ManifestFileName = "manifest.csv";

    private readonly ImageGeneratorOptions _options;

    /// <summary>Creates a generator after checking the options.</summary>
    /// <exception cref="ArgumentException">No endpoint, an endpoint that is not an http(s) URL, a ComfyUI run without a workflow, an OpenAI run without an API key.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size, count or duration out of range.</exception>
    /// <exception cref="InvalidDataException">The ComfyUI workflow lacks a placeholder the run fills (the message names it).</exception>
    public ImageGenerator(ImageGeneratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Check(options);
        _options = options;
    }

    /// <summary>Makes the plan's images in <paramref name="outputFolder"/>; blocks until done. See <see cref="GenerateAsync"/>.</summary>
    public GenerationSummary Generate(GenerationPlan plan, string outputFolder, CancellationToken cancellationToken = default) =>
        GenerateAsync(plan, outputFolder, cancellationToken).GetAwaiter().GetResult();

    /// <summary>
    /// Makes the plan's images (or its first <see cref="ImageGeneratorOptions.MaxImages"/>) in
    /// <paramref name="outputFolder"/>, skipping those already there, then writes the manifest and
    /// the summary.
    /// </summary>
    /// <exception cref="IOException">The output folder is a file or cannot be written (checked before any request), or writing an image failed (the run stops).</exception>
    /// <exception cref="UnauthorizedAccessException">The output folder is not writable.</exception>
    /// <exception cref="ArgumentException">A plan file leaves the output folder.</exception>
    public async Task<GenerationSummary> GenerateAsync(GenerationPlan plan, string outputFolder, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(outputFolder);
        string root = Path.GetFullPath(outputFolder);
        IO.AtomicFile.EnsureWritableFolder(root);
        using var run = new GenerationRun(_options, plan, root, cancellationToken);
        return await run.ExecuteAsync().ConfigureAwait(false);
    }

    private static void Check(ImageGeneratorOptions o)
    {
        if (o.Endpoints.Count == 0)
        {
            throw new ArgumentException("No endpoint to generate with: add the root URL of at least one server (--endpoint http://127.0.0.1:7860).", nameof(o.Endpoints));
        }

        foreach (Uri endpoint in o.Endpoints)
        {
            if (endpoint is null || !endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttp && endpoint.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"Endpoint '{endpoint}' is not an http or https URL; give a server's root, such as http://127.0.0.1:7860.", nameof(o.Endpoints));
            }
        }

        if (!Enum.IsDefined(o.Api))
        {
            throw new ArgumentException($"Unknown API {(int)o.Api}; use one of {string.Join(", ", TextToImageApis.ByName.Keys)}.", nameof(o.Api));
        }

        if (o.Api == TextToImageApi.ComfyUi)
        {
            if (o.Workflow is null)
            {
                throw new ArgumentException("The ComfyUI API needs a workflow in API format with placeholders (Workflow; --workflow FILE); see ComfyWorkflow.", nameof(o.Workflow));
            }

            o.Workflow.Check(negativePrompt: !string.IsNullOrEmpty(o.NegativePrompt));
        }

        if (o.Api == TextToImageApi.OpenAi && string.IsNullOrEmpty(o.ApiKey))
        {
            throw new ArgumentException("The OpenAI API needs an API key (ApiKey; the ffr tool reads it from the environment variable named by --api-key-variable).", nameof(o.ApiKey));
        }

        ArgumentNullException.ThrowIfNull(o.NegativePrompt, nameof(o.NegativePrompt));
        ArgumentNullException.ThrowIfNull(o.Sampler, nameof(o.Sampler));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Width, nameof(o.Width));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Height, nameof(o.Height));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(o.Width, ImageGeneratorOptions.MaxImageSide, nameof(o.Width));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(o.Height, ImageGeneratorOptions.MaxImageSide, nameof(o.Height));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.Steps, nameof(o.Steps));
        if (!(o.CfgScale > 0 && double.IsFinite(o.CfgScale)))
        {
            throw new ArgumentOutOfRangeException(nameof(o.CfgScale), o.CfgScale, "CfgScale must be a positive number.");
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.ConcurrencyPerEndpoint, nameof(o.ConcurrencyPerEndpoint));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(o.ConcurrencyPerEndpoint, ImageGeneratorOptions.MaxConcurrencyPerEndpoint, nameof(o.ConcurrencyPerEndpoint));
        if (o.MaxImages is int max)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max, nameof(o.MaxImages));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(o.MaxRetries, nameof(o.MaxRetries));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.AttemptsPerImage, nameof(o.AttemptsPerImage));
        ArgumentOutOfRangeException.ThrowIfLessThan(o.BreakerMinimumThroughput, 2, nameof(o.BreakerMinimumThroughput));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(o.DeadAfterBreaks, nameof(o.DeadAfterBreaks));
        InRange(o.Timeout, TimeSpan.FromSeconds(ImageGeneratorOptions.MinTimeoutSeconds), TimeSpan.FromSeconds(ImageGeneratorOptions.MaxTimeoutSeconds), nameof(o.Timeout));
        InRange(o.RetryDelay, TimeSpan.Zero, TimeSpan.FromHours(1), nameof(o.RetryDelay));
        InRange(o.BreakDuration, TimeSpan.FromMilliseconds(500), TimeSpan.FromDays(1), nameof(o.BreakDuration));
        InRange(o.PollInterval, TimeSpan.FromMilliseconds(1), TimeSpan.FromMinutes(10), nameof(o.PollInterval));
    }

    private static void InRange(TimeSpan value, TimeSpan min, TimeSpan max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, string.Create(CultureInfo.InvariantCulture, $"{name} must be from {min.TotalSeconds:0.###} s to {max.TotalSeconds:0.###} s."));
        }
    }
}
