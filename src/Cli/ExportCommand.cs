using System.CommandLine;
using Ffr.MLNet.IO;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>ffr export: the network of a saved model as an ONNX file.</summary>
internal sealed class ExportCommand : CliCommand
{
    private readonly CliOption<string> _model = CliOptions.Required("--model", "A model zip written by 'ffr train'.");
    private readonly CliOption<string> _onnx = CliOptions.Required("--onnx", "The .onnx file to write.", "-o");

    public ExportCommand()
        : base("export", "Write the network of a saved model as an ONNX file, for other runtimes.")
    {
        Add(_model);
        Add(_onnx);
    }

    public override int Run(ParseResult args, CliContext context)
    {
        string path = args.Value(_onnx);
        Outputs.Writable(_onnx, path);
        byte[] onnx = ModelFile.ExtractOnnx(Inputs.File(args, _model, "Model", "Pass a model zip written by 'ffr train'."));
        AtomicFile.WriteBytes(path, onnx);
        context.Out.WriteLine($"Wrote {path} ({onnx.Length / 1024.0:0.0} KB): input 'Ffr.Pixels' [batch, 3 x H x W] planar RGB in 0..255, outputs 'Score' and 'Ffr.PredictedIndex'.");
        return 0;
    }
}
