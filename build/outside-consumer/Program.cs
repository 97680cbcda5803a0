// The application that build/outside-consumer.sh creates outside the repository: it references the
// Ffr.MLNet packages from a folder feed, as any user's application does. The README's C# blocks are
// the parts between the "readme" markers; a test checks that they match, and the script builds and runs
// this program, so the README's examples compile and run against the packages.
// Usage: Consumer <work folder> train|predict   (train writes model.zip; predict, in another process, loads it)
using System.Globalization;
using Ffr.MLNet.Datasets;
using Ffr.MLNet.Generation;
using Ffr.MLNet.IO;
using Ffr.MLNet.Networks;
using Microsoft.ML.Data;
// <readme name="usings">
using Ffr.MLNet;             // every catalog extension
using Ffr.MLNet.Budgets;     // SyntheticStrategy
using Ffr.MLNet.Manifests;   // DataSplit, SampleSource, ImageManifest
using Ffr.MLNet.Subgroups;   // SubgroupReport
using Ffr.MLNet.Training;    // FfrTrainerOptions, PhaseOptions, TrainingMethod
using Microsoft.ML;
// </readme>

Directory.SetCurrentDirectory(args.Length > 0 ? args[0] : Directory.CreateTempSubdirectory("ffr-consumer-").FullName);
string mode = args.Length > 1 ? args[1] : "train";
if (mode == "predict")
{
    return Predict(ImageManifest.Load("data/manifest.csv").Select(DataSplit.Test)[0].ImagePath);
}

// The embedded benchmark data (Fashion-MNIST garments on coloured backgrounds), small: a manifest with
// real train/val/test rows and a synthetic pool.
BenchmarkDataset.Create(new BenchmarkDatasetOptions
{
    MajorityPerClass = 40, BiasRate = 0.9, ValidationPerSubgroup = 3, TestPerSubgroup = 3, SyntheticPerSubgroup = 30, Seed = 1,
}).WriteTo("data");

// <readme name="one-chain">
var mlContext = new MLContext(seed: 0);
// One manifest: ImagePath, Label, Attribute, Source (real or synthetic), Split (train, val or test).
IDataView data = mlContext.Data.LoadImageManifest("data/manifest.csv");

// One chain, one Fit: the real training rows, the synthetic pool and the validation rows all go
// through every transform before the trainer (told apart by Source and Split; test rows are ignored).
var pipeline = mlContext.Transforms.Conversion.MapValueToKey("Label")
    .Append(mlContext.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "ImagePath"))
    .Append(mlContext.Transforms.ResizeImages("Image", 32, 32))
    .Append(mlContext.Transforms.ExtractPixels("Pixels", "Image"))
    .Append(mlContext.MulticlassClassification.Trainers.Ffr(new FfrTrainerOptions
    {
        ImageColumnName = "Pixels", Strategy = SyntheticStrategy.Ffr, Method = TrainingMethod.GroupDro,
        Pretraining = new PhaseOptions { Epochs = 1 }, FineTuning = new PhaseOptions { Epochs = 1 },
    }));
using var model = pipeline.Fit(data);

SubgroupReport report = mlContext.Data.AnalyzeSubgroups(mlContext.Data.LoadImageManifest("data/manifest.csv", DataSplit.Train, SampleSource.Real));
IDataView scored = model.Transform(mlContext.Data.LoadImageManifest("data/manifest.csv", DataSplit.Test));
var metrics = mlContext.MulticlassClassification.Evaluate(scored, predictedLabelColumnName: "PredictedLabelKey");
var byGroup = mlContext.MulticlassClassification.EvaluateSubgroups(scored, trainingReport: report);
Console.WriteLine($"accuracy {metrics.MicroAccuracy:0.000}, worst-group accuracy {byGroup.WorstGroupAccuracy:0.000}");
mlContext.Model.SaveAtomically(model, data.Schema, "model.zip"); // Model.Save via a temporary file and a rename
// </readme>

// The pretrained backbone's weights reach the application through Microsoft.ML.DnnImageFeaturizer.ResNet18 (DnnImageModels/).
var pretrained = mlContext.MulticlassClassification.Trainers.Ffr(new FfrTrainerOptions
{
    Architecture = NetworkArchitecture.ResNet18ImageNet, Freeze = FrozenLayers.Backbone, ImageSize = 32, Strategy = SyntheticStrategy.None,
    Training = new PhaseOptions { Epochs = 1 },
});
using (var resnet = mlContext.Transforms.Conversion.MapValueToKey("Label").Append(pretrained).Fit(data))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet18-imagenet: validation worst-group accuracy {resnet.LastTransformer.Summary.Phases[^1].BestValidationWorstGroupAccuracy:0.000}"));
}

Console.WriteLine("outside consumer: trained and saved");
return 0;

// In a fresh process and MLContext, as a Model Builder-style application consumes the saved model.
static int Predict(string firstTestImage)
{
    // <readme name="load">
    using var temporary = TemporaryFolder.Create();                  // Ffr.MLNet.IO
    var ml = new MLContext { TempFilePath = temporary.Path };
    ITransformer loaded = ml.Model.LoadChecked("model.zip", out DataViewSchema inputSchema);
    var engine = ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(loaded);
    ModelOutput prediction = engine.Predict(new ModelInput { ImagePath = firstTestImage });
    Console.WriteLine($"{firstTestImage}: {prediction.PredictedLabel}");  // the label's text, e.g. "bag"
    (loaded as IDisposable)?.Dispose();
    // </readme>
    if (!BenchmarkDataset.Labels.Contains(prediction.PredictedLabel))
    {
        Console.Error.WriteLine($"The loaded model predicted '{prediction.PredictedLabel}', not one of the labels.");
        return 1;
    }

    Console.WriteLine("outside consumer: loaded and predicted");
    return 0;
}

// Compiled, not run (it needs text-to-image servers): the README's generation example.
static async Task GenerateWithServers()
{
    // <readme name="generation">
    GenerationPlan plan = GenerationPlan.Load("gen/generation-plan.jsonl");
    var options = new ImageGeneratorOptions
    {
        Api = TextToImageApi.ComfyUi,
        Workflow = ComfyWorkflow.Load("docs/generation/comfyui-txt2img.json"),
        Width = 512, Height = 512, ConcurrencyPerEndpoint = 2,
    };
    options.Endpoints.Add(new Uri("http://gpu1:8188"));
    options.Endpoints.Add(new Uri("http://gpu2:8188"));
    GenerationSummary summary = await new ImageGenerator(options).GenerateAsync(plan, "gen/pool");
    Console.WriteLine(summary.ToTable());
    ImageManifest training = ImageManifest.Load("data/manifest.csv").WithSyntheticPool(ImageManifest.Load(summary.ManifestPath!));
    // </readme>
    Console.WriteLine(training.Rows.Count);
}

// <readme name="model-builder-classes">
// What the saved model reads and writes, as Model Builder's generated classes.
public class ModelInput
{
    public string ImagePath { get; set; } = string.Empty;

    public string Label { get; set; } = string.Empty; // read by the chain's MapValueToKey; empty when scoring
}

public class ModelOutput
{
    public string PredictedLabel { get; set; } = string.Empty;

    public float[] Score { get; set; } = Array.Empty<float>();
}
// </readme>
