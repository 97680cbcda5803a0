namespace Ffr.MLNet.Budgets;

/// <summary>
/// The synthetic pool holds fewer images than a strategy's budget needs in some subgroups, and
/// shortfalls were not allowed. <see cref="Plan"/> has the whole plan, with
/// <see cref="SyntheticBudgetPlan.Shortfalls"/> listing every short subgroup.
/// </summary>
public sealed class SyntheticShortfallException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public SyntheticShortfallException(SyntheticBudgetPlan plan, string message)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(plan);
        Plan = plan;
    }

    /// <summary>The plan as it would be with the pool as it is.</summary>
    public SyntheticBudgetPlan Plan { get; }
}
