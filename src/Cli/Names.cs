using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The command line's spelling of the libraries' enums.</summary>
internal static class Names
{
    public static readonly IReadOnlyDictionary<string, SyntheticStrategy> Strategies = new Dictionary<string, SyntheticStrategy>
    {
        ["none"] = SyntheticStrategy.None, ["usb"] = SyntheticStrategy.Usb, ["asb"] = SyntheticStrategy.Asb, ["ffr"] = SyntheticStrategy.Ffr,
    };

    public static readonly IReadOnlyDictionary<string, TrainingMethod> Methods = new Dictionary<string, TrainingMethod>
    {
        ["erm"] = TrainingMethod.Erm, ["resample"] = TrainingMethod.Resample, ["groupdro"] = TrainingMethod.GroupDro, ["dfr"] = TrainingMethod.Dfr,
    };

    public static readonly IReadOnlyDictionary<string, NetworkArchitecture> Architectures = new Dictionary<string, NetworkArchitecture>
    {
        ["smallcnn"] = NetworkArchitecture.SmallCnn, ["resnet18"] = NetworkArchitecture.ResNet18, ["resnet34"] = NetworkArchitecture.ResNet34, ["resnet50"] = NetworkArchitecture.ResNet50,
    };

    public static readonly IReadOnlyDictionary<string, DataSplit> Splits = new Dictionary<string, DataSplit>
    {
        ["train"] = DataSplit.Train, ["val"] = DataSplit.Val, ["test"] = DataSplit.Test,
    };

    public static ImageManifest LoadManifest(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserErrorException($"Manifest '{path}' was not found. Pass a CSV with the header ImagePath,Label,Attribute,Source,Split (see 'ffr benchmark-data' for an example).");
        }

        return ImageManifest.Load(path);
    }

    /// <summary>The manifest at <paramref name="path"/>, its synthetic rows replaced by those of the pool manifest <paramref name="synthetic"/> when one is given.</summary>
    public static ImageManifest LoadManifest(string path, string? synthetic)
    {
        ImageManifest manifest = LoadManifest(path);
        if (synthetic is null)
        {
            return manifest;
        }

        if (!File.Exists(synthetic))
        {
            throw new UserErrorException($"--synthetic '{synthetic}' was not found. Give the manifest.csv that 'ffr generate --out DIR' writes into DIR.");
        }

        return manifest.WithSyntheticPool(ImageManifest.Load(synthetic));
    }
}
