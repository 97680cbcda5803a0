using System.Text.Json;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Generation;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Subgroups;
using Microsoft.ML;

namespace Ffr.MLNet.Transforms.Tests.Generation;

public sealed class GenerationPlanTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly MLContext _ml = new(0);

    public void Dispose() => _dir.Dispose();

    private SyntheticBudgetPlan Budget(SyntheticStrategy strategy)
    {
        var rows = new List<ImageRow>();
        void Add(string label, string attribute, int n)
        {
            for (int i = 0; i < n; i++)
            {
                rows.Add(new ImageRow { ImagePath = $"{label}{attribute}{i}", Label = label, Attribute = attribute });
            }
        }

        Add("dog", "indoor", 9);
        Add("dog", "water", 1);
        Add("bird", "water", 6);
        Add("bird", "indoor", 2);
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(ImageManifest.FromRows(rows).ToDataView());
        return SyntheticBudgetPlan.Create(report, strategy);
    }

    [Fact]
    public void Create_Usb_OnePromptAndSeedPerNeededImage()
    {
        var templates = new PromptTemplates();
        templates.AttributePhrases["water"] = new[] { "on a lake", "in a river" };
        templates.AttributePhrases["indoor"] = new[] { "in the living room" };
        GenerationPlan plan = GenerationPlan.Create(Budget(SyntheticStrategy.Usb), templates, seed: 1);

        Assert.Equal(new Dictionary<string, int> { ["bird|indoor"] = 7, ["bird|water"] = 3, ["dog|water"] = 8 }, plan.CountsBySubgroup);
        GenerationItem[] water = plan.Items.Where(i => i.Label == "dog" && i.Attribute == "water").ToArray();
        Assert.Equal("a photo of a dog on a lake", water[0].Prompt);
        Assert.Equal("a photo of a dog in a river", water[1].Prompt);
        Assert.Equal("dog/water/000001.png", water[1].FileName);
        Assert.Equal(plan.Items.Count, plan.Items.Select(i => i.Seed).Distinct().Count());
        Assert.Equal(plan.Items.Select(i => i.Seed), GenerationPlan.Create(Budget(SyntheticStrategy.Usb), templates, seed: 1).Items.Select(i => i.Seed));
    }

    [Fact]
    public void Write_JsonlAndCsv_HoldEveryImage()
    {
        GenerationPlan plan = GenerationPlan.Create(Budget(SyntheticStrategy.Ffr));
        (string jsonl, string csv) = plan.Write(_dir.File("plan"));

        string[] lines = File.ReadAllLines(jsonl);
        Assert.Equal(plan.Items.Count, lines.Length);
        using JsonDocument first = JsonDocument.Parse(lines[0]);
        Assert.Equal("a photo of a bird on a indoor background", first.RootElement.GetProperty("prompt").GetString());
        Assert.Equal(plan.Items.Count + 1, File.ReadAllLines(csv).Length);
        Assert.StartsWith("label,attribute,index,prompt,seed,file", File.ReadAllText(csv));
    }

    [Fact]
    public void IngestFolder_ValidatesAndFiltersGrayscaleGenerations()
    {
        _dir.Png("gen/dog/water/000000.png", 10, 90, 200);
        _dir.Png("gen/dog/water/000001.png", 128, 128, 128);
        _dir.Text("gen/bird/indoor/000000.png", "broken");

        var ex = Assert.Throws<ManifestValidationException>(() => GenerationPlan.IngestFolder(_dir.File("gen")));
        Assert.Equal(new[] { ManifestIssueKind.UnreadableImage, ManifestIssueKind.GrayscaleImage }, ex.Issues.Select(i => i.Kind).Order());

        ImageManifest pool = GenerationPlan.IngestFolder(_dir.File("gen"), new ManifestLoadOptions { SkipInvalidRows = true, FilterGrayscale = true });
        ImageRow kept = Assert.Single(pool.Rows);
        Assert.Equal(("dog", "water", SampleSource.Synthetic), (kept.Label, kept.Attribute, kept.Source));
        Assert.Equal(2, pool.Skipped.Count);
    }

    [Fact]
    public void Load_WhatWriteWrote_IsTheSamePlan()
    {
        GenerationPlan plan = GenerationPlan.Create(Budget(SyntheticStrategy.Ffr), seed: 4);
        (string jsonl, _) = plan.Write(_dir.File("plan"));

        GenerationPlan loaded = GenerationPlan.Load(jsonl);

        Assert.Equal(SyntheticStrategy.Ffr, loaded.Strategy);
        Assert.Equal(plan.Items, loaded.Items);
    }

    [Theory]
    [InlineData("not json", "line 2 is not JSON")]
    [InlineData("[1, 2]", "line 2 is a JSON array, not an object.")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"file\":\"dog/water/1.png\"}", "line 2 has no 'seed' from 0 to 2147483647.")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"seed\":4294967296,\"file\":\"dog/water/1.png\"}", "line 2 has no 'seed' from 0 to 2147483647.")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"seed\":1,\"file\":\"dog/water/1.png\"}", "line 2 has no 'prompt' text.")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"seed\":1,\"file\":\"../dog/water/1.png\"}", "line 2 has file '../dog/water/1.png'; it must be a file name under 'dog/water/'")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"seed\":1,\"file\":\"cat/water/1.png\"}", "line 2 has file 'cat/water/1.png'; it must be a file name under 'dog/water/'")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"seed\":1,\"file\":\"dog/water/1.txt\"}", "line 2 has file 'dog/water/1.txt'; its extension must be one of .png, .jpg, .jpeg, .bmp, .webp.")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"seed\":1,\"file\":\"dog/water/1.png\",\"strategy\":\"magic\"}", "line 2 has strategy \"magic\"; use none, usb, asb or ffr.")]
    [InlineData("{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"p\",\"seed\":1,\"file\":\"dog/water/000000.png\"}", "names the file 'dog/water/000000.png' on lines 1 and 2; every image needs its own file.")]
    public void Load_NotAPlan_NamesTheLine(string secondLine, string message)
    {
        string path = _dir.Text("plan.jsonl", "{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"a dog\",\"seed\":7,\"file\":\"dog/water/000000.png\"}\n" + secondLine + "\n");

        var ex = Assert.Throws<InvalidDataException>(() => GenerationPlan.Load(path));

        Assert.StartsWith($"Generation plan '{path}' ", ex.Message);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public void Load_HandWrittenPlanWithoutIndexOrStrategy_NumbersImagesPerSubgroup()
    {
        string path = _dir.Text("plan.jsonl",
            "{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"a\",\"seed\":1,\"file\":\"dog/water/a.png\"}\n\n" +
            "{\"label\":\"dog\",\"attribute\":\"water\",\"prompt\":\"b\",\"seed\":2,\"file\":\"dog/water/b.png\"}\n");

        GenerationPlan plan = GenerationPlan.Load(path);

        Assert.Equal(SyntheticStrategy.None, plan.Strategy);
        Assert.Equal(new[] { 0, 1 }, plan.Items.Select(i => i.Index));
    }

    [Fact]
    public void Load_EmptyOrMissing_SaysHowToMakeOne()
    {
        Assert.StartsWith("Generation plan", Assert.Throws<InvalidDataException>(() => GenerationPlan.Load(_dir.Text("empty.jsonl", "\n"))).Message);
        Assert.Contains("ffr plan", Assert.Throws<FileNotFoundException>(() => GenerationPlan.Load(_dir.File("none.jsonl"))).Message);
    }
}
