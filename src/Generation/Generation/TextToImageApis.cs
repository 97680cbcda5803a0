namespace Ffr.MLNet.Generation;

/// <summary>How each <see cref="TextToImageApi"/> is spelled (on the command line, in messages and in the summary): spelled here once.</summary>
public static class TextToImageApis
{
    /// <summary>Every API by its name: <c>automatic1111</c>, <c>comfyui</c>, <c>openai</c>.</summary>
    public static IReadOnlyDictionary<string, TextToImageApi> ByName { get; } = new Dictionary<string, TextToImageApi>(StringComparer.Ordinal)
    {
        ["automatic1111"] = TextToImageApi.Automatic1111,
        ["comfyui"] = TextToImageApi.ComfyUi,
        ["openai"] = TextToImageApi.OpenAi,
    };

    /// <summary>The API's name, as <see cref="ByName"/> spells it.</summary>
    public static string Name(this TextToImageApi api) => ByName.First(p => p.Value == api).Key;
}
