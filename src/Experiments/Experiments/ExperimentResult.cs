using Ffr.MLNet.Budgets;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Experiments;

/// <summary>One cell of an experiment grid.</summary>
/// <param name="BiasRate">The benchmark dataset's bias rate.</param>
/// <param name="Severity">The synthetic signature's severity (0 = none).</param>
/// <param name="Strategy">The synthetic strategy.</param>
/// <param name="Method">The training method.</param>
/// <param name="Seed">The seed of the dataset and the training.</param>
public sealed record ExperimentCell(double BiasRate, int Severity, SyntheticStrategy Strategy, TrainingMethod Method, int Seed)
{
    /// <summary>"None-ERM"-style name of the strategy and method.</summary>
    public string Name => Spelling.Name(Strategy, Method);
}

/// <summary>The test-split result of one cell.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="WorstGroupAccuracy">Test worst-group accuracy.</param>
/// <param name="BalancedAccuracy">Test balanced accuracy.</param>
/// <param name="Accuracy">Test accuracy.</param>
/// <param name="ValidationWorstGroupAccuracy">The kept epoch's validation worst-group accuracy.</param>
/// <param name="Seconds">Training and evaluation wall time.</param>
public sealed record ExperimentResult(ExperimentCell Cell, double WorstGroupAccuracy, double BalancedAccuracy, double Accuracy, double ValidationWorstGroupAccuracy, double Seconds)
{
    /// <summary>Training time, synthetic images and peak memory of the cell; null in results files written before these were recorded.</summary>
    public ExperimentCost? Cost { get; init; }
}

/// <summary>What one cell cost to train.</summary>
/// <param name="TrainingSeconds">Wall time of the training alone (the summary's seconds, ONNX export included).</param>
/// <param name="SyntheticImages">Synthetic images the training used.</param>
/// <param name="PeakMemoryBytes">The largest working set of the process sampled while the cell ran (bytes).</param>
public sealed record ExperimentCost(double TrainingSeconds, long SyntheticImages, long PeakMemoryBytes);

/// <summary>The files of one cell written by <see cref="ExperimentRunner.RunCell"/>.</summary>
/// <param name="Model">The ML.NET model zip.</param>
/// <param name="Summary">The training summary (JSON).</param>
/// <param name="Evaluation">The test split's subgroup evaluation (<c>SubgroupEvaluation.ToJson</c>).</param>
/// <param name="TrainingChart">Training loss and validation worst-group accuracy per epoch (PNG).</param>
public sealed record ExperimentCellFiles(string Model, string Summary, string Evaluation, string TrainingChart);
