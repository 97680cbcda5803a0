using Ffr.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Microsoft.ML.Transforms.Image;

namespace Ffr.MLNet.Training;

/// <summary>
/// The fitted model as a chain of ML.NET's own transformers, so that <c>mlContext.Model.Save</c>
/// stores all of it and a fresh MLContext loads it with only Microsoft.ML, ImageAnalytics and
/// OnnxTransformer: [LoadImages, ResizeImages (Fill), ExtractPixels (planar RGB, 0..255)] for an
/// image-path column, or the pixel vector as it is; ApplyOnnxModel (network + normalisation,
/// embedded bytes) giving <c>Score</c> and the arg-max index; Hash (combine) of the index to a
/// scalar key, MapValue to the label text giving <c>PredictedLabel</c> (the label's original value, as
/// a Model Builder image-classification model gives it), MapValueToKey with the label's key values
/// giving <c>PredictedLabelKey</c> (what <c>MulticlassClassification.Evaluate</c> reads); and the
/// temporary columns dropped.
/// </summary>
internal static class ScoringPipeline
{
    private const string Image = "Ffr.Image";
    private const string IndexKey = "Ffr.PredictedIndexKey";
    private const string PredictedText = FfrImageClassificationTransformer.PredictedLabelColumnName;
    private const string PredictedKey = FfrImageClassificationTransformer.PredictedLabelKeyColumnName;
    private const int HashBits = 30;

    public static ITransformer Build(MLContext mlContext, IDataView trainingInput, byte[] onnx, string imageColumnName, bool isPath, int imageSize, IReadOnlyList<string> labels) =>
        Estimator(mlContext, onnx, imageColumnName, isPath, imageSize, labels, out _).Fit(trainingInput);

    /// <summary>
    /// The output shape of the chain for <paramref name="inputSchema"/> (what the trainer's GetOutputSchema
    /// answers), composed around a placeholder network of the same input size. The placeholder's
    /// OnnxTransformer is disposed before returning, so no temporary model file stays behind.
    /// </summary>
    public static SchemaShape OutputShape(MLContext mlContext, SchemaShape inputSchema, string imageColumnName, bool isPath, int imageSize)
    {
        byte[] placeholder = OnnxExport.Placeholder(2, imageSize, imageSize);
        IEstimator<ITransformer> chain = Estimator(mlContext, placeholder, imageColumnName, isPath, imageSize, new[] { "a", "b" }, out IEstimator<ITransformer> onnxStep);
        try
        {
            return chain.GetOutputSchema(inputSchema);
        }
        finally
        {
            // ApplyOnnxModel's estimator holds its transformer (and the temporary file) from the start;
            // fitting it on an empty view of the right column hands that transformer out to be disposed.
            SchemaDefinition definition = SchemaDefinition.Create(typeof(PixelsRow));
            definition[nameof(PixelsRow.Pixels)].ColumnName = OnnxExport.InputName;
            definition[OnnxExport.InputName].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3 * imageSize * imageSize);
            (onnxStep.Fit(mlContext.Data.LoadFromEnumerable(new List<PixelsRow>(), definition)) as IDisposable)?.Dispose();
        }
    }

    /// <summary>The chain before fitting; <paramref name="onnxStep"/> is its ApplyOnnxModel step.</summary>
    private static IEstimator<ITransformer> Estimator(MLContext mlContext, byte[] onnx, string imageColumnName, bool isPath, int imageSize, IReadOnlyList<string> labels, out IEstimator<ITransformer> onnxStep)
    {
        IEstimator<ITransformer> steps;
        var temporaries = new List<string> { OnnxExport.InputName, OnnxExport.IndexName, IndexKey };
        if (isPath)
        {
            steps = mlContext.Transforms.LoadImages(Image, imageFolder: null, inputColumnName: imageColumnName)
                .Append(mlContext.Transforms.ResizeImages(Image, imageSize, imageSize, inputColumnName: Image, resizing: ImageResizingEstimator.ResizingKind.Fill))
                .Append(mlContext.Transforms.ExtractPixels(OnnxExport.InputName, Image, interleavePixelColors: false));
            temporaries.Add(Image);
        }
        else
        {
            steps = mlContext.Transforms.CopyColumns(OnnxExport.InputName, imageColumnName);
        }

        var hash = new HashingEstimator.ColumnOptions(IndexKey, OnnxExport.IndexName, numberOfBits: HashBits, combine: true);
        IDataView lookup = Lookup(mlContext, hash, labels.Count, labels);
        IDataView keyData = mlContext.Data.LoadFromEnumerable(labels.Select(l => new LabelRow { Label = l }).ToList());
        onnxStep = mlContext.Transforms.ApplyOnnxModel(new[] { OnnxExport.ScoreName, OnnxExport.IndexName }, new[] { OnnxExport.InputName }, new MemoryStream(onnx), mlContext.GpuDeviceId, mlContext.FallbackToCpu);
        IEstimator<ITransformer> chain = steps
            .Append(onnxStep)
            .Append(mlContext.Transforms.Conversion.Hash(new[] { hash }))
            .Append(mlContext.Transforms.Conversion.MapValue(PredictedText, lookup, lookup.Schema[nameof(CodeRow.Code)], lookup.Schema[nameof(CodeRow.Label)], IndexKey))
            .Append(mlContext.Transforms.Conversion.MapValueToKey(PredictedKey, PredictedText, keyData: keyData))
            .Append(mlContext.Transforms.DropColumns(temporaries.ToArray()));
        return chain;
    }

    /// <summary>The hash code of every class index, checked to be distinct, mapped to the label text.</summary>
    private static IDataView Lookup(MLContext mlContext, HashingEstimator.ColumnOptions hash, int classes, IReadOnlyList<string> labels)
    {
        IDataView indices = mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, classes).Select(i => new IndexRow { Index = new long[] { i } }).ToList(),
            SchemaDefinitionFor());
        uint[] codes = mlContext.Transforms.Conversion.Hash(new[] { hash })
            .Fit(indices).Transform(indices).GetColumn<uint>(IndexKey).ToArray();
        if (codes.Distinct().Count() != classes)
        {
            throw new InvalidOperationException($"The {classes} class indices hash to colliding codes; this cannot happen with {HashBits}-bit hashing of small integers.");
        }

        return mlContext.Data.LoadFromEnumerable(codes.Select((c, i) => new CodeRow { Code = c, Label = labels[i] }).ToList());
    }

    private static SchemaDefinition SchemaDefinitionFor()
    {
        SchemaDefinition definition = SchemaDefinition.Create(typeof(IndexRow));
        definition[nameof(IndexRow.Index)].ColumnName = OnnxExport.IndexName;
        definition[OnnxExport.IndexName].ColumnType = new VectorDataViewType(NumberDataViewType.Int64, 1);
        return definition;
    }

    private sealed class IndexRow
    {
        public long[] Index { get; set; } = Array.Empty<long>();
    }

    private sealed class CodeRow
    {
        public uint Code { get; set; }

        public string Label { get; set; } = string.Empty;
    }

    private sealed class PixelsRow
    {
        public float[] Pixels { get; set; } = Array.Empty<float>();
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = string.Empty;
    }
}
