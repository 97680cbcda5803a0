using Ffr.MLNet.IO;
using Microsoft.ML;

namespace Ffr.MLNet;

/// <summary>
/// Model zips that survive failures: saving never damages the previous file, and loading reports a
/// damaged file as one <see cref="InvalidDataException"/> naming it, whatever inside ML.NET failed.
/// </summary>
public static class ModelFileCatalog
{
    /// <summary>
    /// Saves <paramref name="model"/> as <c>mlContext.Model.Save</c> does, atomically: the zip is written
    /// to a temporary file beside <paramref name="path"/> and renamed over it only when complete, so a
    /// full disk, a missing permission or a kill leaves the previous model byte for byte as it was.
    /// </summary>
    /// <exception cref="IOException">The path is a folder, or the file system refused the write; the previous file is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the previous file is untouched.</exception>
    public static void SaveAtomically(this ModelOperationsCatalog catalog, ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, stream => catalog.Save(model, inputSchema, stream));
    }

    /// <summary>
    /// Loads a model zip as <c>mlContext.Model.Load</c> does, with every problem of the file reported in
    /// one sentence that names it. The returned model may hold native resources: dispose it
    /// (<c>(model as IDisposable)?.Dispose()</c>) when done. A model with ONNX steps (every Ffr.MLNet
    /// model) also copies its network into <c>mlContext.TempFilePath</c>, and ML.NET 5 leaves that copy
    /// behind after Dispose: point <c>TempFilePath</c> at a <see cref="TemporaryFolder"/> and dispose the
    /// folder after the model.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">The path is a folder.</exception>
    /// <exception cref="InvalidDataException">The file is not an ML.NET model zip, or is truncated or damaged.</exception>
    public static ITransformer LoadChecked(this ModelOperationsCatalog catalog, string path, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        string full = InputFile.Require(path, "Model", "Pass a model zip written by mlContext.Model.Save or 'ffr train'.");
        try
        {
            return catalog.Load(full, out inputSchema);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            throw new InvalidDataException(
                $"Model '{path}' could not be loaded: it is not an ML.NET model zip, or it is truncated or damaged ({ex.GetType().Name}: {ex.Message}). Train or save the model again.", ex);
        }
    }
}
