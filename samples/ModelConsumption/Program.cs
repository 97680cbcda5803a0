using System.Globalization;
using Ffr.MLNet.Samples;
using Microsoft.ML.Data;

// dotnet run --project samples/ModelConsumption -- [--in-memory] <model.zip> <image>...
// Prints one line per image: path, predicted label, then the class probabilities. With --in-memory
// each file is decoded here (MLImage) and the image, not its path, goes to the model.
bool inMemory = args.Length > 0 && args[0] == "--in-memory";
args = inMemory ? args[1..] : args;
if (args.Length < 2)
{
    Console.Error.WriteLine("Usage: Ffr.MLNet.Samples.ModelConsumption [--in-memory] <model.zip> <image>...");
    return 2;
}

ConsumeModel.ModelPath = args[0];
foreach (string image in args.Skip(1))
{
    ModelOutput output;
    if (inMemory)
    {
        using MLImage decoded = MLImage.CreateFromFile(image);
        output = ConsumeModel.Predict(decoded);
    }
    else
    {
        output = ConsumeModel.Predict(new ModelInput { ImagePath = image });
    }

    Console.WriteLine(string.Join('\t', new[] { image, output.PredictedLabel }.Concat(output.Score.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))));
}

return 0;

// Output (for images of the benchmark dataset's test split):
//   /tmp/data/test/tshirt/green/000012.png    tshirt    0.9412    0.0031    0.0102    0.0455
