namespace Ffr.MLNet.Networks;

/// <summary>The networks the trainer can train.</summary>
public enum NetworkArchitecture
{
    /// <summary>The small CNN (<see cref="SmallCnn"/>): for small images on a CPU; the default.</summary>
    SmallCnn,

    /// <summary>TorchVision's ResNet-18.</summary>
    ResNet18,

    /// <summary>TorchVision's ResNet-34.</summary>
    ResNet34,

    /// <summary>TorchVision's ResNet-50 (the paper's backbone).</summary>
    ResNet50,

    /// <summary>
    /// The ImageNet-pretrained ResNet-18 of ML.NET's <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> package
    /// (<see cref="ImageNetResNet18"/>), with a new head: the backbone for real photographs. Images of
    /// 224 x 224 match its pretraining; its preprocessing is part of the network.
    /// </summary>
    ResNet18ImageNet,
}

/// <summary>What each architecture needs: the decisions the trainer and the tool share.</summary>
public static class NetworkArchitectureExtensions
{
    /// <summary>Whether the architecture starts from pretrained weights of its own (no initial weights file needed).</summary>
    public static bool IsPretrained(this NetworkArchitecture architecture) => architecture == NetworkArchitecture.ResNet18ImageNet;

    /// <summary>The smallest image side the architecture takes: 8 for the small CNN; 32 for a ResNet (five halvings down to 1 x 1).</summary>
    public static int MinimumImageSize(this NetworkArchitecture architecture) => architecture == NetworkArchitecture.SmallCnn ? 8 : 32;

    /// <summary>
    /// The per-channel mean and standard deviation that the batcher applies (after scaling to [0, 1])
    /// for <paramref name="architecture"/>: the options' own, except for a network that preprocesses
    /// its input itself (<see cref="NetworkArchitecture.ResNet18ImageNet"/> takes values in 0..255).
    /// </summary>
    public static (float[] Mean, float[] Std) InputNormalization(this NetworkArchitecture architecture, float[] mean, float[] std) =>
        architecture == NetworkArchitecture.ResNet18ImageNet
            ? (new float[] { 0, 0, 0 }, new[] { 1f / 255, 1f / 255, 1f / 255 })
            : (mean, std);
}
