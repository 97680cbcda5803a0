namespace Ffr.MLNet.Trainers.Tests;

/// <summary>Tests that touch libtorch run one at a time (shared native state, 2-core machines).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "libtorch";
}
