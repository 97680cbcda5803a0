namespace Ffr.MLNet.Generation;

/// <summary>The HTTP APIs of text-to-image servers that <see cref="ImageGenerator"/> speaks.</summary>
public enum TextToImageApi
{
    /// <summary>
    /// AUTOMATIC1111's web UI API (also served by Forge and SD.Next, started with <c>--api</c>):
    /// <c>POST /sdapi/v1/txt2img</c> with prompt, negative_prompt, seed, steps, cfg_scale, width,
    /// height, sampler_name and batch_size 1; the answer's <c>images</c> are base64 PNGs.
    /// </summary>
    Automatic1111,

    /// <summary>
    /// ComfyUI: <c>POST /prompt</c> with an API-format workflow (<see cref="ComfyWorkflow"/>) whose
    /// placeholders are filled per image, then <c>GET /history/{prompt_id}</c> until the image is
    /// listed and <c>GET /view</c> to fetch it.
    /// </summary>
    ComfyUi,

    /// <summary>
    /// OpenAI's images API (also served by several local servers): <c>POST /v1/images/generations</c>
    /// with prompt, n 1, size and response_format b64_json, authorised by a bearer API key.
    /// </summary>
    OpenAi,
}
