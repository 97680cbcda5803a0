using System.IO.Compression;
using Ffr.MLNet.IO;
using Ffr.MLNet.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ffr.MLNet.Training;

/// <summary>Reads what a saved Ffr.MLNet model zip holds.</summary>
public static class ModelFile
{
    /// <summary>
    /// The class labels a classifier predicts, in key order: the key values of its <c>PredictedLabelKey</c>
    /// output for <paramref name="inputSchema"/> (the schema saved with the model).
    /// </summary>
    /// <exception cref="InvalidDataException">The model has no <c>PredictedLabelKey</c> key column with text key values.</exception>
    public static IReadOnlyList<string> Labels(ITransformer model, DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        DataViewSchema output = model.GetOutputSchema(inputSchema);
        DataViewSchema.Column? predicted = output.GetColumnOrNull(FfrImageClassificationTransformer.PredictedLabelKeyColumnName);
        if (predicted is not { Type: KeyDataViewType } column || !column.HasKeyValues())
        {
            throw new InvalidDataException($"The model has no {FfrImageClassificationTransformer.PredictedLabelKeyColumnName} key column with label names; pass a classifier trained by 'ffr train' or the Ffr trainer.");
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }

    /// <summary>
    /// The ONNX network embedded in a model zip written by <c>mlContext.Model.Save</c> (the bytes
    /// OnnxTransformer keeps), for ONNX Runtime or any other runtime.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not a model zip, or holds no Ffr.MLNet network.</exception>
    public static byte[] ExtractOnnx(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        string full = InputFile.Require(modelPath, "Model", "Pass a model zip written by 'ffr train' or mlContext.Model.Save.");
        try
        {
            using ZipArchive zip = ZipFile.OpenRead(full);
            foreach (ZipArchiveEntry entry in zip.Entries.Where(e => e.FullName.EndsWith("/OnnxModel", StringComparison.Ordinal)))
            {
                using var stream = new MemoryStream();
                using (Stream source = entry.Open())
                {
                    source.CopyTo(stream);
                }

                byte[] bytes = stream.ToArray();

                // OnnxTransformer writes the model as a byte array: a 32-bit length, then the bytes.
                if (bytes.Length >= 4 && BitConverter.ToInt32(bytes, 0) == bytes.Length - 4)
                {
                    bytes = bytes[4..];
                }

                global::Onnx.ModelProto model;
                try
                {
                    model = global::Onnx.ModelProto.Parser.ParseFrom(bytes);
                }
                catch (Google.Protobuf.InvalidProtocolBufferException)
                {
                    continue;
                }

                if (model.Graph?.Input.Any(i => i.Name == OnnxExport.InputName) == true)
                {
                    return bytes;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException and not FileNotFoundException)
        {
            throw new InvalidDataException($"Model '{modelPath}' is not a model zip, or it is truncated or damaged ({ex.Message}). Train or save the model again.", ex);
        }

        throw new InvalidDataException($"'{modelPath}' holds no Ffr.MLNet network (no ONNX model with input '{OnnxExport.InputName}'). Pass a model written by 'ffr train'.");
    }
}
