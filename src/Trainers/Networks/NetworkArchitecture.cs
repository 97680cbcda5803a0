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
}
