using System.Globalization;
using System.Text.Json;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Subgroups;

namespace Ffr.MLNet.Budgets;

/// <summary>The synthetic images planned for one subgroup.</summary>
/// <param name="Label">The class label.</param>
/// <param name="Attribute">The attribute value.</param>
/// <param name="RealCount">Real rows of the subgroup.</param>
/// <param name="Needed">Synthetic images the strategy asks for.</param>
/// <param name="Planned">Synthetic images planned: <paramref name="Needed"/>, or fewer when the pool is short and shortfalls are allowed.</param>
/// <param name="Available">Images of the subgroup in the pool, or null when no pool was given.</param>
public sealed record SubgroupBudget(string Label, string Attribute, long RealCount, long Needed, long Planned, long? Available)
{
    /// <summary>The subgroup's key.</summary>
    public SubgroupKey Key => new(Label, Attribute);

    /// <summary>Images the pool lacks: Needed - Available, at least 0.</summary>
    public long Missing => Available is long available ? Math.Max(0, Needed - available) : 0;
}

/// <summary>
/// How many synthetic images each subgroup gets under a strategy (docs/method.md in the repository):
/// with n_g the real count of subgroup g, G the number of subgroups (label x attribute, empty ones
/// included) and N = max n_g: USB adds N - n_g, so real + synthetic is uniform, for a total
/// B = sum (N - n_g); ASB and FFR add k = round(B / G) to every subgroup (the same budget as USB up
/// to rounding), or a user-given k; None adds nothing.
/// </summary>
public sealed class SyntheticBudgetPlan
{
    private SyntheticBudgetPlan(SyntheticStrategy strategy, long usbTotal, long? imagesPerSubgroup, IReadOnlyList<SubgroupBudget> subgroups, IReadOnlyList<string> warnings)
    {
        Strategy = strategy;
        UsbTotal = usbTotal;
        ImagesPerSubgroup = imagesPerSubgroup;
        Subgroups = subgroups;
        Warnings = warnings;
    }

    /// <summary>The strategy planned.</summary>
    public SyntheticStrategy Strategy { get; }

    /// <summary>B: the USB total of the real data, the budget that ASB and FFR share out.</summary>
    public long UsbTotal { get; }

    /// <summary>k, the images per subgroup of ASB and FFR; null for None and USB.</summary>
    public long? ImagesPerSubgroup { get; }

    /// <summary>Every subgroup, in the report's order.</summary>
    public IReadOnlyList<SubgroupBudget> Subgroups { get; }

    /// <summary>Total synthetic images needed.</summary>
    public long TotalNeeded => Subgroups.Sum(s => s.Needed);

    /// <summary>Total synthetic images planned (less than needed only when shortfalls are allowed).</summary>
    public long TotalPlanned => Subgroups.Sum(s => s.Planned);

    /// <summary>Subgroups for which the pool holds too few images.</summary>
    public IReadOnlyList<SubgroupBudget> Shortfalls => Subgroups.Where(s => s.Missing > 0).ToArray();

    /// <summary>"a|y: 30 missing (50 available, 80 needed); ...": every short subgroup, for messages.</summary>
    public string DescribeShortfalls() =>
        string.Join("; ", Shortfalls.Select(s => $"{s.Key}: {s.Missing} missing ({s.Available} available, {s.Needed} needed)"));

    /// <summary>One line per short subgroup when shortfalls were allowed.</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The images planned for one subgroup; 0 when it is unknown.</summary>
    public long GetPlanned(string label, string attribute) =>
        Subgroups.FirstOrDefault(s => s.Label == label && s.Attribute == attribute)?.Planned ?? 0;

    /// <summary>Plans the synthetic budget of <paramref name="strategy"/> for the real data of <paramref name="real"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A non-positive images-per-subgroup budget.</exception>
    /// <exception cref="ArgumentException">The real data is empty or has one class; the pool has labels or attribute values the real data lacks; a budget given for None or USB.</exception>
    /// <exception cref="SyntheticShortfallException">The pool is short and <see cref="SyntheticBudgetOptions.AllowShortfall"/> is false; the message lists every short subgroup.</exception>
    public static SyntheticBudgetPlan Create(SubgroupReport real, SyntheticStrategy strategy, SyntheticBudgetOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        options ??= new SyntheticBudgetOptions();
        if (options.ImagesPerSubgroup is int given)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(given, nameof(SyntheticBudgetOptions.ImagesPerSubgroup));
            if (strategy is SyntheticStrategy.None or SyntheticStrategy.Usb)
            {
                throw new ArgumentException(
                    $"ImagesPerSubgroup ({given}) applies to ASB and FFR only: {strategy} {(strategy == SyntheticStrategy.Usb ? "tops every subgroup up to the largest" : "adds no synthetic images")}. Remove it or choose Asb or Ffr.",
                    nameof(options));
            }
        }

        if (real.RowsKept == 0)
        {
            throw new ArgumentException($"The real data has no rows with both a label ('{real.LabelColumnName}') and an attribute ('{real.AttributeColumnName}'); there is nothing to balance.", nameof(real));
        }

        if (real.Labels.Count < 2)
        {
            throw new ArgumentException($"Label column '{real.LabelColumnName}' has a single class ('{real.Labels[0]}'); balancing needs at least two classes.", nameof(real));
        }

        if (options.Pool is SubgroupReport pool)
        {
            CheckPoolValues(real, pool);
        }

        long largest = real.Groups.Max(g => g.Count);
        long usbTotal = real.Groups.Sum(g => largest - g.Count);
        long? k = strategy switch
        {
            SyntheticStrategy.Asb or SyntheticStrategy.Ffr => options.ImagesPerSubgroup ?? (long)Math.Round((double)usbTotal / real.Groups.Count, MidpointRounding.AwayFromZero),
            _ => null,
        };

        var subgroups = new List<SubgroupBudget>(real.Groups.Count);
        var warnings = new List<string>();
        foreach (SubgroupCount group in real.Groups)
        {
            long needed = strategy switch
            {
                SyntheticStrategy.None => 0,
                SyntheticStrategy.Usb => largest - group.Count,
                _ => k!.Value,
            };
            long? available = options.Pool?.GetCount(group.Label, group.Attribute);
            long planned = available is long a && a < needed && options.AllowShortfall ? a : needed;
            var budget = new SubgroupBudget(group.Label, group.Attribute, group.Count, needed, planned, available);
            if (budget.Missing > 0 && options.AllowShortfall)
            {
                warnings.Add($"Subgroup {budget.Key}: the pool holds {available} synthetic images, {needed} are needed; using {planned} ({budget.Missing} missing).");
            }

            subgroups.Add(budget);
        }

        var plan = new SyntheticBudgetPlan(strategy, usbTotal, k, subgroups, warnings);
        if (!options.AllowShortfall && plan.Shortfalls.Count > 0)
        {
            string list = plan.DescribeShortfalls();
            throw new SyntheticShortfallException(plan,
                $"The synthetic pool is short for {strategy} in {plan.Shortfalls.Count} subgroup(s): {list}. Generate the missing images, lower ImagesPerSubgroup, or set AllowShortfall to use what exists.");
        }

        return plan;
    }

    /// <summary>
    /// The plans of USB, ASB and FFR (in that order) for the same real data and pool, shortfalls
    /// allowed, so that each shows what the pool holds and lacks rather than stopping at the first short
    /// strategy: what <c>ffr analyze</c> reports and what a comparison checks before training.
    /// </summary>
    /// <param name="real">The real training data's report.</param>
    /// <param name="pool">The synthetic pool's report, or null when there is none.</param>
    /// <param name="imagesPerSubgroup">ASB's and FFR's budget per subgroup, or null for B / G.</param>
    public static IReadOnlyList<SyntheticBudgetPlan> CreateForEachStrategy(SubgroupReport real, SubgroupReport? pool, int? imagesPerSubgroup = null) =>
        new[] { SyntheticStrategy.Usb, SyntheticStrategy.Asb, SyntheticStrategy.Ffr }
            .Select(s => Create(real, s, new SyntheticBudgetOptions
            {
                Pool = pool, AllowShortfall = true, ImagesPerSubgroup = s == SyntheticStrategy.Usb ? null : imagesPerSubgroup,
            }))
            .ToArray();

    private static void CheckPoolValues(SubgroupReport real, SubgroupReport pool)
    {
        string[] labels = pool.Labels.Except(real.Labels, StringComparer.Ordinal).ToArray();
        string[] attributes = pool.Attributes.Except(real.Attributes, StringComparer.Ordinal).ToArray();
        if (labels.Length > 0 || attributes.Length > 0)
        {
            var parts = new List<string>();
            if (labels.Length > 0)
            {
                parts.Add($"label(s) {string.Join(", ", labels.Select(l => $"'{l}'"))} in column '{pool.LabelColumnName}'");
            }

            if (attributes.Length > 0)
            {
                parts.Add($"attribute value(s) {string.Join(", ", attributes.Select(a => $"'{a}'"))} in column '{pool.AttributeColumnName}'");
            }

            throw new ArgumentException(
                $"The synthetic pool has {string.Join(" and ", parts)} that the real data does not have. Fix the pool's labels or attributes, or remove those images.",
                nameof(SyntheticBudgetOptions.Pool));
        }
    }

    /// <summary>An aligned text table of the plan.</summary>
    public string ToTable()
    {
        string table = TextTable.Format(
            new[] { "Label", "Attribute", "Real", "Needed", "Planned", "Available" },
            Subgroups.Select(s => new[]
            {
                s.Label, s.Attribute, Format(s.RealCount), Format(s.Needed), Format(s.Planned), s.Available is long a ? Format(a) : "-",
            }),
            rightAligned: new[] { 2, 3, 4, 5 });
        string k = ImagesPerSubgroup is long value ? $", k = {value} per subgroup" : string.Empty;
        string summary = $"{Strategy}: {TotalPlanned} synthetic images planned ({TotalNeeded} needed){k}; USB total B = {UsbTotal}.";
        return table + Environment.NewLine + summary + string.Concat(Warnings.Select(w => Environment.NewLine + "Warning: " + w));
    }

    /// <summary>The plan as indented JSON (camelCase names).</summary>
    public string ToJson() => JsonSerializer.Serialize(new
    {
        strategy = Spelling.Strategies.Token(Strategy),
        usbTotal = UsbTotal,
        imagesPerSubgroup = ImagesPerSubgroup,
        totalNeeded = TotalNeeded,
        totalPlanned = TotalPlanned,
        subgroups = Subgroups.Select(s => new { label = s.Label, attribute = s.Attribute, realCount = s.RealCount, needed = s.Needed, planned = s.Planned, available = s.Available }),
        warnings = Warnings,
    }, new JsonSerializerOptions { WriteIndented = true });

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
