using Ffr.MLNet.Samples;

// dotnet run --project samples/SubgroupWeighting
string modelPath = Path.Combine(Path.GetTempPath(), "ffr-subgroup-weights.zip");
SubgroupWeightingSample.Run(Console.Out, modelPath);

// Output (abridged):
//   Label  Attribute  Count  Share of class
//   cat    indoor       475           95.0%
//   ...
//   Worst-group accuracy, unweighted:          0.245
//   Worst-group accuracy, subgroup weights:    0.765
//   Worst-group accuracy, reloaded from ffr-subgroup-weights.zip: 0.765
