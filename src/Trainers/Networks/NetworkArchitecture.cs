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
