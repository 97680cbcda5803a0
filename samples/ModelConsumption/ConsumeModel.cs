using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Ffr.MLNet.Samples;

/// <summary>What the model reads, as Model Builder's generated ModelInput: the image file's path, and the label column (empty when scoring).</summary>
public class ModelInput
{
    [ColumnName("ImagePath")]
    public string ImagePath { get; set; } = string.Empty;

    /// <summary>Needed only by a model whose chain starts with MapValueToKey("Label"), as Model Builder's do; leave it empty.</summary>
    [ColumnName("Label")]
    public string Label { get; set; } = string.Empty;
}

/// <summary>What the model writes: class probabilities and the predicted class, as the label's original text.</summary>
public class ModelOutput
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = Array.Empty<float>();

    [ColumnName("PredictedLabel")]
    public string PredictedLabel { get; set; } = string.Empty;
}

/// <summary>An image already in memory: the column that the model's image loader would fill from a path.</summary>
public class ImageInput
{
    /// <summary>Any size: the model resizes it (ImageType marks the member as an image column; ML.NET reads the size from the image itself).</summary>
    [ImageType(1, 1)]
    public MLImage? Image { get; set; }

    [ColumnName("Label")]
    public string Label { get; set; } = string.Empty;
}

/// <summary>Loads model.zip once and predicts, like Model Builder's generated ConsumeModel class.</summary>
public static class ConsumeModel
{
    private static string _modelPath = Path.Combine(AppContext.BaseDirectory, "model.zip");
    private static Lazy<Engines> _engines = new(CreateEngines);

    /// <summary>Where the model is read from; set before the first prediction.</summary>
    public static string ModelPath
    {
        get => _modelPath;
        set
        {
            _modelPath = value;
            _engines = new Lazy<Engines>(CreateEngines);
        }
    }

    /// <summary>Predicts the class of one image file.</summary>
    public static ModelOutput Predict(ModelInput input) => _engines.Value.FromPath.Predict(input);

    /// <summary>Predicts the class of one image in memory (decoded, for example, with MLImage.CreateFromStream).</summary>
    public static ModelOutput Predict(MLImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return _engines.Value.FromImage.Predict(new ImageInput { Image = image });
    }

    private sealed record Engines(PredictionEngine<ModelInput, ModelOutput> FromPath, PredictionEngine<ImageInput, ModelOutput> FromImage);

    private static Engines CreateEngines()
    {
        // The model's OnnxTransformer copies the network into MLContext.TempFilePath, and ML.NET 5 leaves
        // that copy behind even once the model is disposed: give it a private folder, deleted at exit.
        string temporaryFiles = Directory.CreateTempSubdirectory("model-").FullName;
        var mlContext = new MLContext { TempFilePath = temporaryFiles };
        ITransformer model = mlContext.Model.Load(ModelPath, out DataViewSchema inputSchema);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            (model as IDisposable)?.Dispose();
            Directory.Delete(temporaryFiles, recursive: true);
        };

        // An in-memory image enters the chain after its image loader: the rest of the chain, fed the loader's output column.
        (ITransformer afterLoader, string imageColumn) = WithoutImageLoader(model, inputSchema);
        SchemaDefinition definition = SchemaDefinition.Create(typeof(ImageInput));
        definition[nameof(ImageInput.Image)].ColumnName = imageColumn;
        return new Engines(
            mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model, ignoreMissingColumns: true),
            mlContext.Model.CreatePredictionEngine<ImageInput, ModelOutput>(afterLoader, ignoreMissingColumns: true, inputSchemaDefinition: definition));
    }

    /// <summary>The chain with its (first) LoadImages step taken out, and the column that step wrote.</summary>
    private static (ITransformer Chain, string ImageColumn) WithoutImageLoader(ITransformer model, DataViewSchema inputSchema)
    {
        var steps = new List<ITransformer>();
        string? column = null;
        DataViewSchema schema = inputSchema;
        void Walk(ITransformer t)
        {
            if (t is IEnumerable<ITransformer> chain)
            {
                foreach (ITransformer inner in chain)
                {
                    Walk(inner);
                }
            }
            else
            {
                DataViewSchema next = t.GetOutputSchema(schema);
                if (column is null && t is ImageLoadingTransformer)
                {
                    column = next.Single(c => !c.IsHidden && c.Type is ImageDataViewType && schema.GetColumnOrNull(c.Name) is null).Name;
                }
                else
                {
                    steps.Add(t);
                }

                schema = next;
            }
        }

        Walk(model);
        return (new TransformerChain<ITransformer>(steps.ToArray()),
            column ?? throw new InvalidOperationException($"The model '{ModelPath}' reads no image file (it has no LoadImages step), so it takes no in-memory image."));
    }
}
