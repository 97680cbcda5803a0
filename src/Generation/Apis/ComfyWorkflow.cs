using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ffr.MLNet.Generation;

/// <summary>
/// A ComfyUI workflow in API format (in ComfyUI: enable the dev mode options, then "Save (API
/// Format)"): a JSON object of nodes, each with <c>class_type</c> and <c>inputs</c>. Text values
/// carry placeholders that are filled per image: <c>{{prompt}}</c>, <c>{{seed}}</c>,
/// <c>{{width}}</c> and <c>{{height}}</c> are required, <c>{{negative_prompt}}</c> too when a
/// negative prompt is given; <c>{{steps}}</c>, <c>{{cfg_scale}}</c> and <c>{{sampler}}</c> are
/// optional. A value that is exactly a numeric placeholder (<c>"seed": "{{seed}}"</c>) becomes a
/// number; a placeholder inside a longer text is replaced in the text.
/// </summary>
public sealed class ComfyWorkflow
{
    /// <summary>The prompt placeholder.</summary>
    public const string Prompt = "{{prompt}}";

    /// <summary>The negative prompt placeholder.</summary>
    public const string NegativePrompt = "{{negative_prompt}}";

    /// <summary>The seed placeholder (a number).</summary>
    public const string Seed = "{{seed}}";

    /// <summary>The width placeholder (a number).</summary>
    public const string Width = "{{width}}";

    /// <summary>The height placeholder (a number).</summary>
    public const string Height = "{{height}}";

    /// <summary>The sampling steps placeholder (a number).</summary>
    public const string Steps = "{{steps}}";

    /// <summary>The guidance scale placeholder (a number).</summary>
    public const string CfgScale = "{{cfg_scale}}";

    /// <summary>The sampler name placeholder (text, ComfyUI's spelling such as <c>euler_ancestral</c>).</summary>
    public const string Sampler = "{{sampler}}";

    private static readonly string[] All = { Prompt, NegativePrompt, Seed, Width, Height, Steps, CfgScale, Sampler };
    private static readonly string[] Numeric = { Seed, Width, Height, Steps, CfgScale };
    private readonly JsonObject _graph;

    private ComfyWorkflow(string name, JsonObject graph, IReadOnlySet<string> placeholders)
    {
        Name = name;
        _graph = graph;
        Placeholders = placeholders;
    }

    /// <summary>Where the workflow came from (its file), for messages.</summary>
    public string Name { get; }

    /// <summary>The placeholders the workflow holds.</summary>
    public IReadOnlySet<string> Placeholders { get; }

    /// <summary>Reads an API-format workflow file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not an API-format workflow, or lacks <c>{{prompt}}</c>, <c>{{seed}}</c>, <c>{{width}}</c> or <c>{{height}}</c> (the message names the file and the placeholder).</exception>
    public static ComfyWorkflow Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"ComfyUI workflow '{path}' was not found. Save one from ComfyUI with 'Save (API Format)' and put the placeholders {Prompt}, {Seed}, {Width} and {Height} in it.", path);
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Reads an API-format workflow from JSON text; <paramref name="name"/> names it in messages.</summary>
    /// <inheritdoc cref="Load(string)" path="/exception[@cref='InvalidDataException']"/>
    public static ComfyWorkflow Parse(string json, string name)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(name);
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"ComfyUI workflow '{name}' is not JSON ({ex.Message}).", ex);
        }

        if (root is JsonObject ui && ui["nodes"] is JsonArray)
        {
            throw new InvalidDataException($"ComfyUI workflow '{name}' is in the UI format (it has 'nodes'); in ComfyUI enable the dev mode options and use 'Save (API Format)'.");
        }

        if (root is not JsonObject graph || graph.Count == 0 || graph.Any(n => n.Value is not JsonObject node || node["class_type"] is not JsonValue || node["inputs"] is not JsonObject))
        {
            throw new InvalidDataException($"ComfyUI workflow '{name}' is not in API format: it must be a JSON object of nodes, each with 'class_type' and 'inputs' (ComfyUI's 'Save (API Format)').");
        }

        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (string text in Texts(graph))
        {
            found.UnionWith(All.Where(p => text.Contains(p, StringComparison.Ordinal)));
        }

        var workflow = new ComfyWorkflow(name, graph, found);
        workflow.Check(negativePrompt: false);
        return workflow;
    }

    /// <summary>Checks that the placeholders the run fills are there; <paramref name="negativePrompt"/>: a negative prompt is given.</summary>
    internal void Check(bool negativePrompt)
    {
        IEnumerable<string> needed = negativePrompt ? new[] { Prompt, NegativePrompt, Seed, Width, Height } : new[] { Prompt, Seed, Width, Height };
        string[] missing = needed.Where(p => !Placeholders.Contains(p)).ToArray();
        if (missing.Length > 0)
        {
            throw new InvalidDataException(
                $"ComfyUI workflow '{Name}' has no {string.Join(", ", missing)} placeholder; put it where the value goes, for example \"text\": \"{Prompt}\" in the positive CLIPTextEncode node, \"seed\": \"{Seed}\" in the KSampler node, \"width\": \"{Width}\" and \"height\": \"{Height}\" in the EmptyLatentImage node{(missing.Contains(NegativePrompt) ? $", \"text\": \"{NegativePrompt}\" in the negative CLIPTextEncode node (or drop --negative-prompt)" : string.Empty)}.");
        }
    }

    /// <summary>A copy of the graph with every placeholder filled.</summary>
    internal JsonObject Fill(ImageRequest request, ImageGeneratorOptions options)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Prompt] = request.Prompt,
            [NegativePrompt] = options.NegativePrompt,
            [Seed] = (long)request.Seed,
            [Width] = (long)options.Width,
            [Height] = (long)options.Height,
            [Steps] = (long)options.Steps,
            [CfgScale] = options.CfgScale,
            [Sampler] = options.Sampler,
        };
        var copy = (JsonObject)_graph.DeepClone();
        Replace(copy, values);
        return copy;
    }

    private static void Replace(JsonNode node, IReadOnlyDictionary<string, object> values)
    {
        IEnumerable<(JsonNode? Child, Action<JsonNode> Set)> children = node switch
        {
            JsonObject o => o.ToArray().Select(p => (p.Value, (Action<JsonNode>)(v => o[p.Key] = v))),
            JsonArray a => a.Select((c, i) => (c, (Action<JsonNode>)(v => a[i] = v))).ToArray(),
            _ => Array.Empty<(JsonNode?, Action<JsonNode>)>(),
        };
        foreach ((JsonNode? child, Action<JsonNode> set) in children)
        {
            if (child is JsonValue value && value.TryGetValue(out string? text))
            {
                if (Numeric.Contains(text))
                {
                    set(values[text] is long whole ? JsonValue.Create(whole) : JsonValue.Create((double)values[text]));
                    continue;
                }

                string filled = All.Aggregate(text, (t, p) => t.Replace(p, Format(values[p]), StringComparison.Ordinal));
                if (!ReferenceEquals(filled, text) && filled != text)
                {
                    set(JsonValue.Create(filled));
                }
            }
            else if (child is not null)
            {
                Replace(child, values);
            }
        }
    }

    private static string Format(object value) => value is string s ? s : Convert.ToString(value, CultureInfo.InvariantCulture)!;

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        JsonValue v when v.TryGetValue(out string? s) => new[] { s },
        _ => Array.Empty<string>(),
    };
}
