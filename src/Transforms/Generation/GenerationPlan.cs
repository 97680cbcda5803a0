using System.Globalization;
using System.Text;
using System.Text.Json;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Naming;

namespace Ffr.MLNet.Generation;

/// <summary>One image to generate.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Attribute">The attribute value.</param>
/// <param name="Index">Its number within the subgroup, from 0.</param>
/// <param name="Prompt">The text prompt.</param>
/// <param name="Seed">The generator seed for this image.</param>
/// <param name="FileName">Where the generator should write it, relative to the output folder: &lt;label&gt;/&lt;attribute&gt;/&lt;index&gt;.png.</param>
public sealed record GenerationItem(string Label, string Attribute, int Index, string Prompt, int Seed, string FileName);

/// <summary>
/// What an external text-to-image generator must produce for a strategy: per subgroup the number of
/// images the synthetic budget needs, one prompt and one seed per image, written as JSONL and CSV
/// and read back with <see cref="Load"/>. The generated folder (laid out as the file names say) comes
/// back as a synthetic pool with <see cref="IngestFolder"/>, which validates it as any manifest is.
/// </summary>
public sealed class GenerationPlan
{
    private GenerationPlan(SyntheticStrategy strategy, IReadOnlyList<GenerationItem> items)
    {
        Strategy = strategy;
        Items = items;
    }

    /// <summary>The strategy the plan serves; <see cref="SyntheticStrategy.None"/> for a loaded plan whose file does not record one.</summary>
    public SyntheticStrategy Strategy { get; }

    /// <summary>Every image to generate, subgroup by subgroup.</summary>
    public IReadOnlyList<GenerationItem> Items { get; }

    /// <summary>Images per subgroup.</summary>
    public IReadOnlyDictionary<string, int> CountsBySubgroup => Items.GroupBy(i => i.Label + "|" + i.Attribute).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>Builds the plan from a synthetic budget: <see cref="SubgroupBudget.Needed"/> images per subgroup.</summary>
    public static GenerationPlan Create(SyntheticBudgetPlan budget, PromptTemplates? templates = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(budget);
        templates ??= new PromptTemplates();
        var items = new List<GenerationItem>();
        foreach (SubgroupBudget subgroup in budget.Subgroups)
        {
            for (int i = 0; i < subgroup.Needed; i++)
            {
                int imageSeed = StableSeed.Combine(seed, StableSeed.Of(subgroup.Label), StableSeed.Of(subgroup.Attribute), i) & int.MaxValue;
                string file = string.Create(CultureInfo.InvariantCulture, $"{SafeName(subgroup.Label)}/{SafeName(subgroup.Attribute)}/{i:D6}.png");
                items.Add(new GenerationItem(subgroup.Label, subgroup.Attribute, i, templates.Prompt(subgroup.Label, subgroup.Attribute, i), imageSeed, file));
            }
        }

        return new GenerationPlan(budget.Strategy, items);
    }

    /// <summary>Writes <c>generation-plan.jsonl</c> (one JSON object per image) and <c>generation-plan.csv</c> into <paramref name="folder"/>.</summary>
    public (string JsonlPath, string CsvPath) Write(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        string jsonl = Path.Combine(folder, "generation-plan.jsonl");
        string csv = Path.Combine(folder, "generation-plan.csv");
        var json = new StringBuilder();
        var table = new StringBuilder("label,attribute,index,prompt,seed,file\n");
        foreach (GenerationItem item in Items)
        {
            json.Append(JsonSerializer.Serialize(new { label = item.Label, attribute = item.Attribute, index = item.Index, prompt = item.Prompt, seed = item.Seed, file = item.FileName, strategy = Spelling.Strategies.Token(Strategy) })).Append('\n');
            table.Append(Csv.Format(new[] { item.Label, item.Attribute, item.Index.ToString(CultureInfo.InvariantCulture), item.Prompt, item.Seed.ToString(CultureInfo.InvariantCulture), item.FileName })).Append('\n');
        }

        AtomicFile.WriteText(jsonl, json.ToString());
        AtomicFile.WriteText(csv, table.ToString());
        return (jsonl, csv);
    }

    /// <summary>
    /// Reads a plan written by <see cref="Write"/> (<c>generation-plan.jsonl</c>): one JSON object per
    /// line with <c>label</c>, <c>attribute</c>, <c>prompt</c>, <c>seed</c> (a whole number from 0 to
    /// 2147483647) and <c>file</c> (a relative path under <c>&lt;label&gt;/&lt;attribute&gt;/</c>);
    /// <c>index</c> and <c>strategy</c> are optional. Blank lines are ignored.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is not such an object (the message names the file and line), two lines name the same file, or the file holds no item.</exception>
    public static GenerationPlan Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Generation plan '{path}' was not found. Write one with 'ffr plan --manifest M --strategy ffr --out DIR' (it writes DIR/generation-plan.jsonl).", path);
        }

        var items = new List<GenerationItem>();
        var lineOfFile = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var perSubgroup = new Dictionary<(string, string), int>();
        SyntheticStrategy? strategy = null;
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            (GenerationItem item, SyntheticStrategy? lineStrategy) = ParseLine(path, number, line, perSubgroup);
            if (lineOfFile.TryGetValue(item.FileName, out int first))
            {
                throw new InvalidDataException($"Generation plan '{path}' names the file '{item.FileName}' on lines {first} and {number}; every image needs its own file.");
            }

            lineOfFile[item.FileName] = number;
            strategy ??= lineStrategy;
            items.Add(item);
        }

        if (items.Count == 0)
        {
            throw new InvalidDataException($"Generation plan '{path}' holds no items; write one with 'ffr plan'.");
        }

        return new GenerationPlan(strategy ?? SyntheticStrategy.None, items);
    }

    /// <summary>
    /// Reads a folder of generated images laid out as <c>&lt;label&gt;/&lt;attribute&gt;/*.png</c> into a
    /// synthetic pool, with the manifest validation (unreadable and empty files; grayscale
    /// generations filtered by default, as the paper does).
    /// </summary>
    public static ImageManifest IngestFolder(string folder, ManifestLoadOptions? options = null) =>
        ImageManifest.FromFolder(folder, SampleSource.Synthetic, DataSplit.Train, options ?? new ManifestLoadOptions { FilterGrayscale = true });

    private static (GenerationItem Item, SyntheticStrategy? Strategy) ParseLine(string path, int number, string line, Dictionary<(string, string), int> perSubgroup)
    {
        string where = $"Generation plan '{path}' line {number}";
        const string Expected = "A plan line is a JSON object with label, attribute, prompt, seed and file, as 'ffr plan' writes it.";
        JsonElement root;
        try
        {
            using JsonDocument document = JsonDocument.Parse(line);
            root = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{where} is not JSON ({ex.Message}). {Expected}", ex);
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"{where} is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object. {Expected}");
        }

        string Text(string name)
        {
            if (!root.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            {
                throw new InvalidDataException($"{where} has no '{name}' text. {Expected}");
            }

            return value.GetString()!;
        }

        string label = Text("label"), attribute = Text("attribute"), prompt = Text("prompt"), file = Text("file").Replace('\\', '/');
        if (!root.TryGetProperty("seed", out JsonElement seedValue) || seedValue.ValueKind != JsonValueKind.Number || !seedValue.TryGetInt32(out int seed) || seed < 0)
        {
            throw new InvalidDataException($"{where} has no 'seed' from 0 to {int.MaxValue}. {Expected}");
        }

        string expectedFolder = $"{SafeName(label)}/{SafeName(attribute)}/";
        if (Path.IsPathRooted(file) || file.Split('/').Any(part => part is ".." or ".") || !file.StartsWith(expectedFolder, StringComparison.Ordinal)
            || file.Length == expectedFolder.Length || file[expectedFolder.Length..].Contains('/'))
        {
            throw new InvalidDataException($"{where} has file '{file}'; it must be a file name under '{expectedFolder}' (the generated folder is read back as <label>/<attribute>/<image>).");
        }

        if (!ManifestDefaults.ImageExtensions.Contains(Path.GetExtension(file).ToLowerInvariant()))
        {
            throw new InvalidDataException($"{where} has file '{file}'; its extension must be one of {string.Join(", ", ManifestDefaults.ImageExtensions)}.");
        }

        int next = perSubgroup.GetValueOrDefault((label, attribute));
        int index = next;
        if (root.TryGetProperty("index", out JsonElement indexValue) && (indexValue.ValueKind != JsonValueKind.Number || !indexValue.TryGetInt32(out index) || index < 0))
        {
            throw new InvalidDataException($"{where} has an 'index' that is not a whole number from 0. {Expected}");
        }

        perSubgroup[(label, attribute)] = next + 1;
        SyntheticStrategy? strategy = null;
        if (root.TryGetProperty("strategy", out JsonElement strategyValue))
        {
            strategy = strategyValue.ValueKind == JsonValueKind.String && Spelling.Strategies.TryParse(strategyValue.GetString(), out SyntheticStrategy s)
                ? s
                : throw new InvalidDataException($"{where} has strategy {strategyValue.GetRawText()}; use none, usb, asb or ffr.");
        }

        return (new GenerationItem(label, attribute, index, prompt, seed, file), strategy);
    }

    private static string SafeName(string value)
    {
        char[] invalid = Path.GetInvalidFileNameChars();
        return new string(value.Select(c => invalid.Contains(c) || c == '/' || c == '\\' ? '_' : c).ToArray());
    }
}
