using System.Text.Json;
using System.Text.Json.Serialization;
using Ffr.MLNet.Budgets;
using Ffr.MLNet.Networks;

namespace Ffr.MLNet.Training;

/// <summary>One epoch of a phase.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Loss">Mean training loss over the epoch's steps.</param>
/// <param name="ValidationWorstGroupAccuracy">Worst-group accuracy on the validation set after the epoch.</param>
/// <param name="ValidationBalancedAccuracy">Balanced (mean per-group) accuracy on the validation set.</param>
/// <param name="ValidationAccuracy">Plain accuracy on the validation set.</param>
/// <param name="Seconds">Wall time of the epoch, validation included.</param>
public sealed record EpochSummary(int Epoch, double Loss, double ValidationWorstGroupAccuracy, double ValidationBalancedAccuracy, double ValidationAccuracy, double Seconds);

/// <summary>One phase: its epochs and which one was kept.</summary>
public sealed class PhaseSummary
{
    /// <summary>"pretraining", "fine-tuning" or "training".</summary>
    public required string Name { get; init; }

    /// <summary>Training rows of the phase.</summary>
    public int Rows { get; init; }

    /// <summary>Every epoch run.</summary>
    public List<EpochSummary> Epochs { get; init; } = new();

    /// <summary>The epoch whose weights were kept (best validation worst-group accuracy; the earliest on ties).</summary>
    public int BestEpoch { get; set; }

    /// <summary>That epoch's validation worst-group accuracy.</summary>
    public double BestValidationWorstGroupAccuracy { get; set; }

    /// <summary>True when early stopping ended the phase.</summary>
    public bool StoppedEarly { get; set; }

    /// <summary>Wall time of the phase.</summary>
    public double Seconds { get; set; }

    /// <summary>Of <see cref="Seconds"/>: decoding the phase's images to hold them (0 when they are decoded on every pass, inside the steps, or are features).</summary>
    public double DecodeSeconds { get; set; }

    /// <summary>Of <see cref="Seconds"/>: the training steps (batching included).</summary>
    public double StepSeconds { get; set; }

    /// <summary>Of <see cref="Seconds"/>: scoring the validation set after each epoch.</summary>
    public double ValidationSeconds { get; set; }
}

/// <summary>What DFR chose.</summary>
/// <param name="Regularization">The inverse L1 strength C picked on the held-out half of the validation set.</param>
/// <param name="HeldOutWorstGroupAccuracy">Worst-group accuracy of that C on the held-out half.</param>
/// <param name="ValidationWorstGroupAccuracy">Worst-group accuracy on the whole validation set with the final, averaged last layer.</param>
/// <param name="Subsets">Balanced subsets averaged.</param>
/// <param name="RowsPerGroup">Rows per group in each balanced subset.</param>
public sealed record DfrSummary(double Regularization, double HeldOutWorstGroupAccuracy, double ValidationWorstGroupAccuracy, int Subsets, int RowsPerGroup);

/// <summary>The record of a training: per phase, per epoch, loss and validation metrics, the kept epoch, wall time.</summary>
public sealed class TrainingSummary
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>The strategy.</summary>
    public SyntheticStrategy Strategy { get; init; }

    /// <summary>The method.</summary>
    public TrainingMethod Method { get; init; }

    /// <summary>The network.</summary>
    public NetworkArchitecture Architecture { get; init; }

    /// <summary>The layers kept frozen.</summary>
    public FrozenLayers Freeze { get; init; }

    /// <summary>With a frozen backbone: seconds spent computing the features of every image (once per run); otherwise null.</summary>
    public double? FeatureSeconds { get; set; }

    /// <summary>The seed used.</summary>
    public int Seed { get; init; }

    /// <summary>Class labels, in key order.</summary>
    public List<string> Labels { get; init; } = new();

    /// <summary>Synthetic images used, and from which subgroups.</summary>
    public long SyntheticImages { get; set; }

    /// <summary>The phases run: "pretraining" then "fine-tuning" for FFR, "training" otherwise.</summary>
    public List<PhaseSummary> Phases { get; init; } = new();

    /// <summary>DFR's choice, when the method is DFR.</summary>
    public DfrSummary? Dfr { get; set; }

    /// <summary>Warnings (a short pool used anyway, say).</summary>
    public List<string> Warnings { get; init; } = new();

    /// <summary>Wall time of the whole training, ONNX export included.</summary>
    public double Seconds { get; set; }

    /// <summary>Of <see cref="Seconds"/>: reading the inputs and composing the strategy's training sets.</summary>
    public double ReadSeconds { get; set; }

    /// <summary>Of <see cref="Seconds"/>: decoding the validation images to hold them (0 when they are decoded on every pass).</summary>
    public double ValidationDecodeSeconds { get; set; }

    /// <summary>Of <see cref="Seconds"/>: exporting the network to ONNX and building the ML.NET scoring chain.</summary>
    public double ExportSeconds { get; set; }

    /// <summary>The summary as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a summary written by <see cref="ToJson"/>.</summary>
    public static TrainingSummary FromJson(string json) => JsonSerializer.Deserialize<TrainingSummary>(json, Json)
        ?? throw new InvalidDataException("The training summary JSON is empty.");
}
