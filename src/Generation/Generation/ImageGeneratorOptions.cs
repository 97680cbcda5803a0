namespace Ffr.MLNet.Generation;

/// <summary>
/// Options of <see cref="ImageGenerator"/>: which servers to drive and how, what to ask them for,
/// and how hard to insist when they fail. Only <see cref="Endpoints"/> has no default.
/// </summary>
public sealed class ImageGeneratorOptions
{
    /// <summary>The largest <see cref="Width"/> and <see cref="Height"/>: 16384 pixels.</summary>
    public const int MaxImageSide = 16384;

    /// <summary>The largest <see cref="ConcurrencyPerEndpoint"/>: 64 requests at once per endpoint.</summary>
    public const int MaxConcurrencyPerEndpoint = 64;

    /// <summary>The shortest <see cref="Timeout"/>, in seconds (0.01).</summary>
    public const double MinTimeoutSeconds = 0.01;

    /// <summary>The longest <see cref="Timeout"/>, in seconds (a day).</summary>
    public const double MaxTimeoutSeconds = 86400;

    /// <summary>
    /// The servers' root URLs (for example <c>http://127.0.0.1:7860</c> for AUTOMATIC1111,
    /// <c>http://127.0.0.1:8188</c> for ComfyUI, <c>https://api.openai.com</c>). All of them take
    /// images from one shared queue, so a faster server makes more.
    /// </summary>
    /// <value>The default value is an empty list; at least one endpoint is required.</value>
    public IList<Uri> Endpoints { get; } = new List<Uri>();

    /// <summary>The API the servers speak.</summary>
    /// <value>The default value is <see cref="TextToImageApi.Automatic1111"/>.</value>
    public TextToImageApi Api { get; set; } = ImageGeneratorDefaults.Api;

    /// <summary>The ComfyUI workflow whose placeholders are filled per image; required for <see cref="TextToImageApi.ComfyUi"/>, unused otherwise.</summary>
    /// <value>The default value is null.</value>
    public ComfyWorkflow? Workflow { get; set; }

    /// <summary>
    /// The negative prompt sent with every image (AUTOMATIC1111's <c>negative_prompt</c>, ComfyUI's
    /// <c>{{negative_prompt}}</c>); OpenAI's API has none, so it is not sent there.
    /// </summary>
    /// <value>The default value is the empty string.</value>
    public string NegativePrompt { get; set; } = string.Empty;

    /// <summary>Sampling steps (AUTOMATIC1111's <c>steps</c>, ComfyUI's <c>{{steps}}</c>).</summary>
    /// <value>The default value is 20.</value>
    public int Steps { get; set; } = ImageGeneratorDefaults.Steps;

    /// <summary>Classifier-free guidance scale (AUTOMATIC1111's <c>cfg_scale</c>, ComfyUI's <c>{{cfg_scale}}</c>).</summary>
    /// <value>The default value is 7.</value>
    public double CfgScale { get; set; } = ImageGeneratorDefaults.CfgScale;

    /// <summary>Image width in pixels; an answer of another size is rejected and asked again.</summary>
    /// <value>The default value is 512.</value>
    public int Width { get; set; } = ImageGeneratorDefaults.Width;

    /// <summary>Image height in pixels; an answer of another size is rejected and asked again.</summary>
    /// <value>The default value is 512.</value>
    public int Height { get; set; } = ImageGeneratorDefaults.Height;

    /// <summary>The sampler's name as the server spells it (AUTOMATIC1111's <c>sampler_name</c>, ComfyUI's <c>{{sampler}}</c>).</summary>
    /// <value>The default value is "Euler a".</value>
    public string Sampler { get; set; } = ImageGeneratorDefaults.Sampler;

    /// <summary>Images asked of each endpoint at once. A GPU server works on one image at a time; 2 hides the network and encoding time.</summary>
    /// <value>The default value is 1.</value>
    public int ConcurrencyPerEndpoint { get; set; } = ImageGeneratorDefaults.ConcurrencyPerEndpoint;

    /// <summary>
    /// How long one request may take before it is abandoned and retried; for ComfyUI also how long
    /// a queued prompt may take to appear in the history.
    /// </summary>
    /// <value>The default value is 180 seconds.</value>
    public TimeSpan Timeout { get; set; } = ImageGeneratorDefaults.Timeout;

    /// <summary>Generate only the first this-many images of the plan (to try a server before the whole run).</summary>
    /// <value>The default value is null: the whole plan.</value>
    public int? MaxImages { get; set; }

    /// <summary>
    /// The bearer key for <see cref="TextToImageApi.OpenAi"/>. It is sent only in the Authorization
    /// header and never written to the log, the summary or a message.
    /// </summary>
    /// <value>The default value is null; required for the OpenAI API.</value>
    public string? ApiKey { get; set; }

    /// <summary>The <c>model</c> field of OpenAI requests (for example <c>dall-e-2</c>), or null to leave it to the server.</summary>
    /// <value>The default value is null.</value>
    public string? Model { get; set; }

    /// <summary>
    /// Send the plan's seed as a <c>seed</c> field to an OpenAI-API server. OpenAI's own service has
    /// no seed and may refuse unknown fields; several local servers honour it.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool SendSeedToOpenAi { get; set; }

    /// <summary>
    /// Retries of one request after a timeout, a connection error, 408, 429 or a 5xx answer, with
    /// exponential backoff and jitter (a 429's Retry-After is honoured).
    /// </summary>
    /// <value>The default value is 4.</value>
    public int MaxRetries { get; set; } = ImageGeneratorDefaults.MaxRetries;

    /// <summary>The first retry's delay; each further retry doubles it (with jitter).</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RetryDelay { get; set; } = ImageGeneratorDefaults.RetryDelay;

    /// <summary>
    /// Times an image is tried (on any endpoint) before it is reported failed: a try fails when its
    /// request's retries run out or the answer is not a valid image of the asked size.
    /// </summary>
    /// <value>The default value is 3.</value>
    public int AttemptsPerImage { get; set; } = ImageGeneratorDefaults.AttemptsPerImage;

    /// <summary>
    /// How long an endpoint's circuit stays open (no requests to it; the other endpoints take its
    /// share) after at least half of its requests in 30 seconds failed, counting at least
    /// <see cref="BreakerMinimumThroughput"/> requests.
    /// </summary>
    /// <value>The default value is 15 seconds.</value>
    public TimeSpan BreakDuration { get; set; } = ImageGeneratorDefaults.BreakDuration;

    /// <summary>Requests an endpoint must have answered in the sampling window before its circuit can open.</summary>
    /// <value>The default value is 4.</value>
    public int BreakerMinimumThroughput { get; set; } = ImageGeneratorDefaults.BreakerMinimumThroughput;

    /// <summary>An endpoint whose circuit opens this many times in a row without a success in between is given up for the run.</summary>
    /// <value>The default value is 3.</value>
    public int DeadAfterBreaks { get; set; } = ImageGeneratorDefaults.DeadAfterBreaks;

    /// <summary>How often ComfyUI's history is asked whether a queued prompt is done.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan PollInterval { get; set; } = ImageGeneratorDefaults.PollInterval;

    /// <summary>Receives progress after every image: done, rate, time left, failures.</summary>
    /// <value>The default value is null.</value>
    public IProgress<GenerationProgress>? Progress { get; set; }
}

/// <summary>Defaults of <see cref="ImageGeneratorOptions"/>, and the circuit breaker's fixed settings.</summary>
internal static class ImageGeneratorDefaults
{
    public const TextToImageApi Api = TextToImageApi.Automatic1111;
    public const int Steps = 20;
    public const double CfgScale = 7;
    public const int Width = 512;
    public const int Height = 512;
    public const string Sampler = "Euler a";
    public const int ConcurrencyPerEndpoint = 1;
    public const int MaxRetries = 4;
    public const int AttemptsPerImage = 3;
    public const int BreakerMinimumThroughput = 4;
    public const int DeadAfterBreaks = 3;
    public const double BreakerFailureRatio = 0.5;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);
    public static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromSeconds(30);
}
