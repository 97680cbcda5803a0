using Ffr.MLNet.Budgets;
using Ffr.MLNet.Manifests;
using Ffr.MLNet.Networks;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Cli;

/// <summary>The command line's spelling of the libraries' enums, both ways.</summary>
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

    /// <summary>The command-line spelling of a strategy: none, usb, asb or ffr.</summary>
    public static string Format(SyntheticStrategy strategy) => Strategies.First(p => p.Value == strategy).Key;
}
