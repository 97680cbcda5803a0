using System.IO.Compression;
using Ffr.MLNet.Onnx;

namespace Ffr.MLNet.Training;

/// <summary>Reads what a saved Ffr.MLNet model zip holds.</summary>
public static class ModelFile
{
    /// <summary>
    /// The ONNX network embedded in a model zip written by <c>mlContext.Model.Save</c> (the bytes
    /// OnnxTransformer keeps), for ONNX Runtime or any other runtime.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a model zip, or holds no Ffr.MLNet network.</exception>
    public static byte[] ExtractOnnx(string modelPath)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (!File.Exists(modelPath))
        {
            throw new FileNotFoundException($"Model '{modelPath}' was not found. Pass a model zip written by 'ffr train' or mlContext.Model.Save.", modelPath);
        }

        try
        {
            using ZipArchive zip = ZipFile.OpenRead(modelPath);
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
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"'{modelPath}' is not a model zip: {ex.Message}", ex);
        }

        throw new InvalidDataException($"'{modelPath}' holds no Ffr.MLNet network (no ONNX model with input '{OnnxExport.InputName}'). Pass a model written by 'ffr train'.");
    }
}
