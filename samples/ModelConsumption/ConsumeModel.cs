using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Samples;

/// <summary>What the model reads: the path of an image file.</summary>
public class ModelInput
{
    [ColumnName("ImagePath")]
    public string ImagePath { get; set; } = string.Empty;
}

/// <summary>What the model writes: class probabilities and the predicted class (as the label's key).</summary>
public class ModelOutput
{
    [ColumnName("Score")]
    public float[] Score { get; set; } = Array.Empty<float>();

    [ColumnName("PredictedLabel")]
    public uint PredictedLabelKey { get; set; }

    /// <summary>The predicted class's name (filled by <see cref="ConsumeModel.Predict"/> from the key's values).</summary>
    [NoColumn]
    public string PredictedLabel { get; set; } = string.Empty;
}

/// <summary>Loads model.zip once and predicts, like Model Builder's generated ConsumeModel class.</summary>
public static class ConsumeModel
{
    private static string _modelPath = Path.Combine(AppContext.BaseDirectory, "model.zip");
    private static Lazy<(PredictionEngine<ModelInput, ModelOutput> Engine, string[] Labels)> _engine = new(CreateEngine);

    /// <summary>Where the model is read from; set before the first prediction.</summary>
    public static string ModelPath
    {
        get => _modelPath;
        set
        {
            _modelPath = value;
            _engine = new Lazy<(PredictionEngine<ModelInput, ModelOutput>, string[])>(CreateEngine);
        }
    }

    /// <summary>Predicts the class of one image.</summary>
    public static ModelOutput Predict(ModelInput input)
    {
        (PredictionEngine<ModelInput, ModelOutput> engine, string[] labels) = _engine.Value;
        ModelOutput output = engine.Predict(input);
        output.PredictedLabel = output.PredictedLabelKey == 0 ? string.Empty : labels[output.PredictedLabelKey - 1];
        return output;
    }

    private static (PredictionEngine<ModelInput, ModelOutput>, string[]) CreateEngine()
    {
        // The model's OnnxTransformer copies the network into MLContext.TempFilePath, and ML.NET 5 leaves
        // that copy behind even once the model is disposed: give it a private folder, deleted at exit.
        string temporaryFiles = Directory.CreateTempSubdirectory("model-").FullName;
        var mlContext = new MLContext { TempFilePath = temporaryFiles };
        ITransformer model = mlContext.Model.Load(ModelPath, out _);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            (model as IDisposable)?.Dispose();
            Directory.Delete(temporaryFiles, recursive: true);
        };
        PredictionEngine<ModelInput, ModelOutput> engine = mlContext.Model.CreatePredictionEngine<ModelInput, ModelOutput>(model, ignoreMissingColumns: true);
        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        engine.OutputSchema["PredictedLabel"].GetKeyValues(ref keyValues);
        return (engine, keyValues.DenseValues().Select(v => v.ToString()).ToArray());
    }
}
