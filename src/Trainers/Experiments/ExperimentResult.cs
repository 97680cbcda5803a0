using Ffr.MLNet.Budgets;
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
    public string Name => $"{StrategyName(Strategy)}-{MethodName(Method)}";

    internal static string StrategyName(SyntheticStrategy s) => s switch
    {
        SyntheticStrategy.None => "None",
        SyntheticStrategy.Usb => "USB",
        SyntheticStrategy.Asb => "ASB",
        _ => "FFR",
    };

    internal static string MethodName(TrainingMethod m) => m switch
    {
        TrainingMethod.Erm => "ERM",
        TrainingMethod.Resample => "Resample",
        TrainingMethod.GroupDro => "GroupDRO",
        _ => "DFR",
    };
}

/// <summary>The test-split result of one cell.</summary>
/// <param name="Cell">The cell.</param>
/// <param name="WorstGroupAccuracy">Test worst-group accuracy.</param>
/// <param name="BalancedAccuracy">Test balanced accuracy.</param>
/// <param name="Accuracy">Test accuracy.</param>
/// <param name="ValidationWorstGroupAccuracy">The kept epoch's validation worst-group accuracy.</param>
/// <param name="Seconds">Training and evaluation wall time.</param>
public sealed record ExperimentResult(ExperimentCell Cell, double WorstGroupAccuracy, double BalancedAccuracy, double Accuracy, double ValidationWorstGroupAccuracy, double Seconds);
