using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The command line's spelling of the libraries' enums, both ways.</summary>
internal static class Names
{
    public static readonly IReadOnlyDictionary<string, SyntheticStrategy> Strategies = Spelling.Strategies.ByToken;

    public static readonly IReadOnlyDictionary<string, TrainingMethod> Methods = Spelling.Methods.ByToken;

    public static readonly IReadOnlyDictionary<string, NetworkArchitecture> Architectures = new Dictionary<string, NetworkArchitecture>
    {
        ["smallcnn"] = NetworkArchitecture.SmallCnn, ["resnet18"] = NetworkArchitecture.ResNet18, ["resnet34"] = NetworkArchitecture.ResNet34, ["resnet50"] = NetworkArchitecture.ResNet50,
        ["resnet18-imagenet"] = NetworkArchitecture.ResNet18ImageNet,
    };

    public static readonly IReadOnlyDictionary<string, FrozenLayers> Freezing = new Dictionary<string, FrozenLayers>
    {
        ["none"] = FrozenLayers.None, ["backbone"] = FrozenLayers.Backbone, ["all-but-last-stage"] = FrozenLayers.AllButLastStage,
    };

    public static readonly IReadOnlyDictionary<string, DataSplit> Splits = new Dictionary<string, DataSplit>
    {
        ["train"] = DataSplit.Train, ["val"] = DataSplit.Val, ["test"] = DataSplit.Test,
    };

    public static readonly IReadOnlyDictionary<string, ImportFormat> ImportFormats = new Dictionary<string, ImportFormat>
    {
        ["waterbirds"] = ImportFormat.Waterbirds, ["celeba"] = ImportFormat.CelebA, ["csv"] = ImportFormat.Csv,
    };

    /// <summary>
    /// The option that fixes each <see cref="Importing.ManifestImportException.Setting"/>, and how: the import's
    /// failures in the tool's terms.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ImportAdvice = new Dictionary<string, string>
    {
        ["root"] = "Pass with --root the dataset's folder, as downloaded (see 'ffr import --help' for what it holds).",
        ["csvPath"] = "Pass with --csv a CSV file with a header and one row per image.",
        ["ImageFolder"] = "Pass with --root the folder the CSV's image paths are relative to.",
        ["TargetAttribute"] = "Choose the class label's attribute with --target.",
        ["SpuriousAttribute"] = "Choose the spurious attribute with --spurious, another one than --target.",
        ["ImagePathColumn"] = "Name the column of image paths with --path-column.",
        ["LabelColumn"] = "Name the column of labels with --label-column.",
        ["AttributeColumn"] = "Name the column of attribute values with --attribute-column.",
        ["SplitColumn"] = "Name the column of splits with --split-column, or leave it out to assign splits per subgroup.",
        ["SplitValues"] = "Map every value with --split-values (such as --split-values 0=train,1=val,2=test).",
    };

    /// <summary>The command-line spelling of a strategy: none, usb, asb or ffr.</summary>
    public static string Format(SyntheticStrategy strategy) => Spelling.Strategies.Token(strategy);

    /// <summary>The command-line spelling of an architecture: smallcnn, resnet18, ... resnet18-imagenet.</summary>
    public static string Format(NetworkArchitecture architecture) => Architectures.First(p => p.Value == architecture).Key;

    /// <summary>The command-line spelling of the frozen layers: none, backbone or all-but-last-stage.</summary>
    public static string Format(FrozenLayers layers) => Freezing.First(p => p.Value == layers).Key;
}
