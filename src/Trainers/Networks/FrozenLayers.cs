namespace Ffr.MLNet.Networks;

/// <summary>Which layers of the network keep their initial (pretrained) weights while training.</summary>
public enum FrozenLayers
{
    /// <summary>Every layer trains (full fine-tuning); the default.</summary>
    None,

    /// <summary>
    /// Everything but the last linear layer is frozen: the penultimate features of every image are
    /// computed once per run (in evaluation mode, in batches) and every phase and method trains the
    /// head on them. Fast enough for a CPU; needs pretrained weights.
    /// </summary>
    Backbone,

    /// <summary>The last stage (ResNet's <c>layer4</c>, the small CNN's third block) and the head train; the layers before it are frozen, their batch norms included.</summary>
    AllButLastStage,
}
