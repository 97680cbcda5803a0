using Ffr.MLNet.Subgroups;

namespace Ffr.MLNet.Budgets;

/// <summary>Options of <see cref="SyntheticBudgetPlan.Create"/>.</summary>
public sealed class SyntheticBudgetOptions
{
    /// <summary>
    /// Synthetic images per subgroup for ASB and FFR, given directly instead of derived from USB's total.
    /// </summary>
    /// <value>The default value is null: k = round(B / G), B the USB total, G the number of subgroups.</value>
    public int? ImagesPerSubgroup { get; set; }

    /// <summary>The synthetic pool's subgroup report; when given, the plan is checked against what the pool holds.</summary>
    /// <value>The default value is null: the plan is not checked.</value>
    public SubgroupReport? Pool { get; set; }

    /// <summary>
    /// When the pool holds fewer images than the plan needs: false stops with an error listing every
    /// short subgroup; true takes what exists and records a warning per short subgroup.
    /// </summary>
    /// <value>The default value is false.</value>
    public bool AllowShortfall { get; set; } = SyntheticBudgetDefaults.AllowShortfall;
}

/// <summary>Defaults shared by <see cref="SyntheticBudgetOptions"/> and the catalog.</summary>
internal static class SyntheticBudgetDefaults
{
    public const bool AllowShortfall = false;
}
