using Ffr.MLNet.Budgets;
using Ffr.MLNet.Subgroups;
using FsCheck.Xunit;
using Microsoft.ML;

namespace Ffr.MLNet.Balancing.Tests.Budgets;

public sealed class SyntheticBudgetPlanTests
{
    private readonly MLContext _ml = new(seed: 0);

    private SubgroupReport Biased() => _ml.Data.AnalyzeSubgroups(TestData.Biased(_ml));

    [Fact]
    public void Create_Usb_TopsEverySubgroupUpToTheLargest()
    {
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Usb);

        Assert.Equal(new long[] { 0, 80, 85, 45 }, plan.Subgroups.Select(s => s.Needed));
        Assert.Equal(210, plan.UsbTotal);
        Assert.Equal(210, plan.TotalPlanned);
        Assert.Null(plan.ImagesPerSubgroup);
    }

    [Theory]
    [InlineData(SyntheticStrategy.Asb)]
    [InlineData(SyntheticStrategy.Ffr)]
    public void Create_AsbAndFfr_ShareUsbBudgetEqually(SyntheticStrategy strategy)
    {
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(Biased(), strategy);

        Assert.Equal(53, plan.ImagesPerSubgroup); // round(210 / 4) = round(52.5) = 53
        Assert.All(plan.Subgroups, s => Assert.Equal(53, s.Planned));
    }

    [Fact]
    public void Create_None_AddsNothing()
    {
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.None);
        Assert.Equal(0, plan.TotalPlanned);
        Assert.Equal(210, plan.UsbTotal);
    }

    [Fact]
    public void Create_UserBudget_OverridesK()
    {
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Ffr, new SyntheticBudgetOptions { ImagesPerSubgroup = 7 });
        Assert.Equal(28, plan.TotalPlanned);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Create_NonPositiveBudget_Throws(int budget)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Asb, new SyntheticBudgetOptions { ImagesPerSubgroup = budget }));
        Assert.Equal("ImagesPerSubgroup", ex.ParamName);
        Assert.Contains(budget.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Fact]
    public void Create_BudgetWithUsb_SaysItAppliesToAsbAndFfr()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Usb, new SyntheticBudgetOptions { ImagesPerSubgroup = 5 }));
        Assert.StartsWith("ImagesPerSubgroup (5) applies to ASB and FFR only: Usb tops every subgroup up to the largest.", ex.Message);
    }

    [Fact]
    public void Create_PoolShort_ListsEverySubgroupAndHowManyAreMissing()
    {
        SubgroupReport pool = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, new Dictionary<(string, string), int>
        {
            [("a", "x")] = 100, [("a", "y")] = 50, [("b", "x")] = 100, [("b", "y")] = 10,
        }));

        var ex = Assert.Throws<SyntheticShortfallException>(() =>
            SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Usb, new SyntheticBudgetOptions { Pool = pool }));
        Assert.Equal(2, ex.Plan.Shortfalls.Count);
        Assert.Equal(
            "The synthetic pool is short for Usb in 2 subgroup(s): a|y: 30 missing (50 available, 80 needed); b|y: 35 missing (10 available, 45 needed). Generate the missing images, lower ImagesPerSubgroup, or set AllowShortfall to use what exists.",
            ex.Message);
    }

    [Fact]
    public void Create_PoolShortAllowed_UsesWhatExistsAndWarns()
    {
        SubgroupReport pool = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, new Dictionary<(string, string), int>
        {
            [("a", "x")] = 100, [("a", "y")] = 50, [("b", "x")] = 100, [("b", "y")] = 100,
        }));

        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Usb, new SyntheticBudgetOptions { Pool = pool, AllowShortfall = true });
        Assert.Equal(50, plan.GetPlanned("a", "y"));
        Assert.Equal(80, plan.Subgroups[1].Needed);
        Assert.Equal(new[] { "Subgroup a|y: the pool holds 50 synthetic images, 80 are needed; using 50 (30 missing)." }, plan.Warnings);
    }

    [Fact]
    public void Create_PoolWithUnknownValues_NamesThem()
    {
        SubgroupReport pool = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, new Dictionary<(string, string), int>
        {
            [("a", "x")] = 1, [("c", "x")] = 1, [("b", "z")] = 1,
        }));

        var ex = Assert.Throws<ArgumentException>(() =>
            SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Ffr, new SyntheticBudgetOptions { Pool = pool }));
        Assert.StartsWith("The synthetic pool has label(s) 'c' in column 'Label' and attribute value(s) 'z' in column 'Attribute' that the real data does not have.", ex.Message);
    }

    [Fact]
    public void Create_SingleClass_Throws()
    {
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, new Dictionary<(string, string), int> { [("a", "x")] = 3, [("a", "y")] = 1 }));
        var ex = Assert.Throws<ArgumentException>(() => SyntheticBudgetPlan.Create(report, SyntheticStrategy.Usb));
        Assert.StartsWith("Label column 'Label' has a single class ('a'); balancing needs at least two classes.", ex.Message);
    }

    [Fact]
    public void ToTable_And_ToJson_CarryThePlan()
    {
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Asb);
        Assert.Contains("Asb: 212 synthetic images planned (212 needed), k = 53 per subgroup; USB total B = 210.", plan.ToTable());
        Assert.Contains("\"strategy\": \"asb\"", plan.ToJson());
    }

    [Property(MaxTest = 60)]
    public void Property_UsbMakesRealPlusSyntheticUniform(int[] raw, byte labels, byte attributes)
    {
        var grid = new Grid(raw, labels, attributes);
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(grid.ToDataView(_ml));
        SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(report, SyntheticStrategy.Usb);

        long[] totals = plan.Subgroups.Select(s => s.RealCount + s.Planned).Distinct().ToArray();
        Assert.Single(totals);
        Assert.Equal(grid.Counts.Values.Max(), totals[0]);
        Assert.Equal(report.Groups.Sum(g => g.Count), report.RowsKept);
        Assert.Equal(grid.Rows, report.RowsKept);
    }

    [Property(MaxTest = 60)]
    public void Property_AsbAndFfrMatchUsbTotalUpToRounding_AndAreEqualPerSubgroup(int[] raw, byte labels, byte attributes)
    {
        var grid = new Grid(raw, labels, attributes);
        SubgroupReport report = _ml.Data.AnalyzeSubgroups(grid.ToDataView(_ml));
        long usb = SyntheticBudgetPlan.Create(report, SyntheticStrategy.Usb).TotalPlanned;
        int groups = report.Groups.Count;
        foreach (SyntheticStrategy strategy in new[] { SyntheticStrategy.Asb, SyntheticStrategy.Ffr })
        {
            SyntheticBudgetPlan plan = SyntheticBudgetPlan.Create(report, strategy);
            Assert.Single(plan.Subgroups.Select(s => s.Planned).Distinct());
            Assert.True(Math.Abs(plan.TotalPlanned - usb) * 2 <= groups, $"{strategy}: {plan.TotalPlanned} vs USB {usb} over {groups} subgroups");
        }
    }

    [Fact]
    public void CreateForEachStrategy_ShortPool_GivesUsbAsbFfrWithTheirShortfallsInsteadOfThrowing()
    {
        SubgroupReport pool = _ml.Data.AnalyzeSubgroups(TestData.FromCounts(_ml, new Dictionary<(string, string), int>
        {
            [("a", "x")] = 100, [("a", "y")] = 50, [("b", "x")] = 100, [("b", "y")] = 10,
        }));

        IReadOnlyList<SyntheticBudgetPlan> plans = SyntheticBudgetPlan.CreateForEachStrategy(Biased(), pool, imagesPerSubgroup: 20);
        Assert.Equal(new[] { SyntheticStrategy.Usb, SyntheticStrategy.Asb, SyntheticStrategy.Ffr }, plans.Select(p => p.Strategy));
        Assert.Equal(new long[] { 30, 35 }, plans[0].Shortfalls.Select(s => s.Missing));
        Assert.Null(plans[0].ImagesPerSubgroup); // USB never takes a per-subgroup budget
        Assert.Equal(20, plans[1].ImagesPerSubgroup);
        Assert.Equal(new long[] { 10 }, plans[2].Shortfalls.Select(s => s.Missing)); // b|y: 10 available, 20 needed
        Assert.Equal(SyntheticBudgetPlan.Create(Biased(), SyntheticStrategy.Usb, new SyntheticBudgetOptions { Pool = pool, AllowShortfall = true }).ToJson(), plans[0].ToJson());
    }
}
