using Ffr.MLNet.Budgets;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Naming;

/// <summary>
/// The one place where the strategies and the training methods are spelled: display names as the
/// paper writes them (None, USB, ASB, FFR; ERM, Resample, GroupDRO, DFR) for reports, charts and
/// summaries, and lower-case tokens (none, usb, asb, ffr; erm, resample, groupdro, dfr) for the
/// command line, results CSV files and generation plans.
/// </summary>
public static class Spelling
{
    /// <summary>The synthetic strategies.</summary>
    public static NameTable<SyntheticStrategy> Strategies { get; } = new(
        (SyntheticStrategy.None, "None", "none"),
        (SyntheticStrategy.Usb, "USB", "usb"),
        (SyntheticStrategy.Asb, "ASB", "asb"),
        (SyntheticStrategy.Ffr, "FFR", "ffr"));

    /// <summary>The training methods.</summary>
    public static NameTable<TrainingMethod> Methods { get; } = new(
        (TrainingMethod.Erm, "ERM", "erm"),
        (TrainingMethod.Resample, "Resample", "resample"),
        (TrainingMethod.GroupDro, "GroupDRO", "groupdro"),
        (TrainingMethod.Dfr, "DFR", "dfr"));

    /// <summary>A strategy-method as reports name it: "FFR-GroupDRO".</summary>
    public static string Name(SyntheticStrategy strategy, TrainingMethod method) => $"{Strategies.Display(strategy)}-{Methods.Display(method)}";
}
