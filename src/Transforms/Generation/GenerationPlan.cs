using System.Globalization;
using System.Text;
using System.Text.Json;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.IO;
using Ffr.MLNet.Manifests;

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
/// images the synthetic budget needs, one prompt and one seed per image, written as JSONL and CSV.
/// The generated folder (laid out as the file names say) comes back as a synthetic pool with
/// <see cref="IngestFolder"/>, which validates it as any manifest is.
/// </summary>
public sealed class GenerationPlan
{
    private GenerationPlan(SyntheticStrategy strategy, IReadOnlyList<GenerationItem> items)
    {
        Strategy = strategy;
        Items = items;
    }

    /// <summary>The strategy the plan serves.</summary>
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
            json.Append(JsonSerializer.Serialize(new { label = item.Label, attribute = item.Attribute, index = item.Index, prompt = item.Prompt, seed = item.Seed, file = item.FileName })).Append('\n');
            table.Append(Csv.Format(new[] { item.Label, item.Attribute, item.Index.ToString(CultureInfo.InvariantCulture), item.Prompt, item.Seed.ToString(CultureInfo.InvariantCulture), item.FileName })).Append('\n');
        }

        AtomicFile.WriteAllText(jsonl, json.ToString());
        AtomicFile.WriteAllText(csv, table.ToString());
        return (jsonl, csv);
    }

    /// <summary>
    /// Reads a folder of generated images laid out as <c>&lt;label&gt;/&lt;attribute&gt;/*.png</c> into a
    /// synthetic pool, with the manifest validation (unreadable and empty files; grayscale
    /// generations filtered by default, as the paper does).
    /// </summary>
    public static ImageManifest IngestFolder(string folder, ManifestLoadOptions? options = null) =>
        ImageManifest.FromFolder(folder, SampleSource.Synthetic, DataSplit.Train, options ?? new ManifestLoadOptions { FilterGrayscale = true });

    private static string SafeName(string value)
    {
        char[] invalid = Path.GetInvalidFileNameChars();
        return new string(value.Select(c => invalid.Contains(c) || c == '/' || c == '\\' ? '_' : c).ToArray());
    }
}
