using Ffr.MLNet.IO;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Training;

/// <summary>
/// A trained image classifier: adds <c>Score</c> (class probabilities), <c>PredictedLabel</c> (the
/// label's original value, text, as a Model Builder image-classification model gives it, so a consumer
/// needs no key decoding) and <c>PredictedLabelKey</c> (the same class as a key with the label's key
/// values, for <c>mlContext.MulticlassClassification.Evaluate(scored, predictedLabelColumnName: "PredictedLabelKey")</c>).
/// It scores through a chain of ML.NET's own transformers (the network runs in OnnxTransformer from
/// embedded ONNX bytes) and saves as that chain, so <c>mlContext.Model.Save</c> writes a standard
/// model that a fresh MLContext loads with no code of ours. It also keeps the TorchSharp network
/// for explanations and feature extraction. Dispose it when done: that frees the network's native
/// memory and deletes the temporary file OnnxTransformer keeps the network in.
/// </summary>
public sealed class FfrImageClassificationTransformer : ITransformer, IDisposable
{
    private readonly ITransformer _chain;
    private readonly byte[] _onnx;
    private readonly TemporaryFolder _temporaryFiles;
    private ImageNetwork? _network;

    internal FfrImageClassificationTransformer(ITransformer chain, byte[] onnx, ImageNetwork network, TrainingSummary summary, int imageSize, float[] mean, float[] std, TemporaryFolder temporaryFiles)
    {
        _chain = chain;
        _temporaryFiles = temporaryFiles;
        _onnx = onnx;
        _network = network;
        Summary = summary;
        ImageSize = imageSize;
        Mean = mean;
        Std = std;
    }

    /// <summary>The output column with the predicted class as text: "PredictedLabel", as in Model Builder's models.</summary>
    public const string PredictedLabelColumnName = "PredictedLabel";

    /// <summary>The output column with the predicted class as a key (the label's key values): "PredictedLabelKey"; name it in <c>MulticlassClassification.Evaluate</c>.</summary>
    public const string PredictedLabelKeyColumnName = "PredictedLabelKey";

    /// <summary>Per phase and epoch: loss, validation metrics, the kept epoch, wall time.</summary>
    public TrainingSummary Summary { get; }

    /// <summary>The class labels, in key order.</summary>
    public IReadOnlyList<string> Labels => Summary.Labels;

    /// <summary>Side of the square network input.</summary>
    public int ImageSize { get; }

    /// <summary>The input normalisation's per-channel mean (R, G, B).</summary>
    public IReadOnlyList<float> Mean { get; }

    /// <summary>The input normalisation's per-channel standard deviation.</summary>
    public IReadOnlyList<float> Std { get; }

    /// <summary>The network as ONNX: input <c>Ffr.Pixels</c> [batch, 3 x size x size] planar RGB in 0..255; outputs <c>Score</c> and <c>Ffr.PredictedIndex</c>.</summary>
    public ReadOnlyMemory<byte> OnnxModel => _onnx;

    internal ImageNetwork Network => _network ?? throw new ObjectDisposedException(nameof(FfrImageClassificationTransformer));

    /// <inheritdoc />
    public bool IsRowToRowMapper => _chain.IsRowToRowMapper;

    /// <summary>Writes the network as an ONNX file, atomically, for ONNX Runtime or any other runtime.</summary>
    public void ExportOnnx(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteBytes(path, _onnx);
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _chain.GetOutputSchema(inputSchema);

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => _chain.GetRowToRowMapper(inputSchema);

    /// <inheritdoc />
    public IDataView Transform(IDataView input) => _chain.Transform(input);

    /// <summary>Saves the ML.NET chain (what <c>mlContext.Model.Save</c> calls).</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => _chain.Save(ctx);

    /// <summary>
    /// Frees the TorchSharp network and the scoring chain: ML.NET's OnnxTransformer keeps the network in a
    /// temporary file until it is disposed. Save the model before disposing it; it cannot score afterwards.
    /// </summary>
    public void Dispose()
    {
        _network?.Dispose();
        _network = null;
        (_chain as IDisposable)?.Dispose();
        _temporaryFiles.Dispose();
    }
}
