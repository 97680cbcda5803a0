namespace Ffr.MLNet.Generation;

/// <summary>
/// How prompts for a text-to-image generator are built: a template per label with the placeholders
/// <c>{label}</c> and <c>{phrase}</c>, and a list of phrases per attribute value. Prompt i of a
/// subgroup uses phrase i modulo the number of phrases, so phrases are used evenly.
/// Example: template "a photo of a {label} {phrase}", phrases for "water": "on a lake", "in a river".
/// </summary>
public sealed class PromptTemplates
{
    /// <summary>The template used for labels without one of their own.</summary>
    /// <value>The default value is "a photo of a {label} {phrase}".</value>
    public string DefaultTemplate { get; set; } = "a photo of a {label} {phrase}";

    /// <summary>Templates by label.</summary>
    public IDictionary<string, string> LabelTemplates { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How each label is named in prompts (default: the label itself).</summary>
    public IDictionary<string, string> LabelNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Phrases by attribute value; an attribute without phrases uses "on a {attribute} background".</summary>
    public IDictionary<string, IReadOnlyList<string>> AttributePhrases { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>Prompt number <paramref name="index"/> of subgroup (label, attribute).</summary>
    public string Prompt(string label, string attribute, int index)
    {
        string template = LabelTemplates.TryGetValue(label, out string? own) ? own : DefaultTemplate;
        IReadOnlyList<string> phrases = AttributePhrases.TryGetValue(attribute, out IReadOnlyList<string>? list) && list.Count > 0
            ? list
            : new[] { $"on a {attribute} background" };
        string name = LabelNames.TryGetValue(label, out string? n) ? n : label;
        return template.Replace("{label}", name, StringComparison.Ordinal).Replace("{phrase}", phrases[index % phrases.Count], StringComparison.Ordinal);
    }
}
