using Ffr.MLNet.IO;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr export: the network of a saved model as an ONNX file.</summary>
internal sealed class ExportCommand : Command
{
    public override string Name => "export";

    public override string Summary => "Write the network of a saved model as an ONNX file, for other runtimes.";

    public override IReadOnlyList<OptionSpec> Options { get; } = new[]
    {
        new OptionSpec("model", "A model zip written by 'ffr train'.", Required: true),
        new OptionSpec("onnx", "The .onnx file to write.", Required: true),
    };

    public override int Run(Arguments args, CliContext context)
    {
        string path = args.Required("onnx");
        Outputs.Writable("onnx", path);
        byte[] onnx = ModelFile.ExtractOnnx(Inputs.File(args, "model", "Model", "Pass a model zip written by 'ffr train'."));
        AtomicFile.WriteBytes(path, onnx);
        context.Out.WriteLine($"Wrote {path} ({onnx.Length / 1024.0:0.0} KB): input 'Ffr.Pixels' [batch, 3 x H x W] planar RGB in 0..255, outputs 'Score' and 'Ffr.PredictedIndex'.");
        return 0;
    }
}
