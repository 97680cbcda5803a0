using Ffr.MLNet.Budgets;
using Ffr.MLNet.Naming;
using Ffr.MLNet.Training;

namespace Ffr.MLNet.Balancing.Tests.Naming;

public sealed class SpellingTests
{
    [Fact]
    public void Strategies_DisplayAndToken_AreThePapersNamesAndLowerCase()
    {
        Assert.Equal(new[] { "None", "USB", "ASB", "FFR" }, Enum.GetValues<SyntheticStrategy>().Select(Spelling.Strategies.Display));
        Assert.Equal(new[] { "none", "usb", "asb", "ffr" }, Enum.GetValues<SyntheticStrategy>().Select(Spelling.Strategies.Token));
        Assert.Equal(new[] { "none", "usb", "asb", "ffr" }, Spelling.Strategies.Tokens);
    }

    [Fact]
    public void Methods_DisplayAndToken_AreThePapersNamesAndLowerCase()
    {
        Assert.Equal(new[] { "ERM", "Resample", "GroupDRO", "DFR" }, Enum.GetValues<TrainingMethod>().Select(Spelling.Methods.Display));
        Assert.Equal(new[] { "erm", "resample", "groupdro", "dfr" }, Spelling.Methods.Tokens);
        Assert.Equal(new[] { "erm", "resample", "groupdro", "dfr" }, Spelling.Methods.ByToken.Keys);
    }

    [Fact]
    public void Name_StrategyAndMethod_JoinsDisplayNamesWithAHyphen()
    {
        Assert.Equal("FFR-GroupDRO", Spelling.Name(SyntheticStrategy.Ffr, TrainingMethod.GroupDro));
        Assert.Equal("None-ERM", Spelling.Name(SyntheticStrategy.None, TrainingMethod.Erm));
    }

    [Theory]
    [InlineData("ffr", SyntheticStrategy.Ffr)]
    [InlineData(" FFR ", SyntheticStrategy.Ffr)]
    [InlineData("Usb", SyntheticStrategy.Usb)]
    [InlineData("none", SyntheticStrategy.None)]
    public void TryParse_TokenInAnyCase_GivesTheValue(string text, SyntheticStrategy expected)
    {
        Assert.True(Spelling.Strategies.TryParse(text, out SyntheticStrategy value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("group-dro")]
    [InlineData("2")]
    [InlineData("")]
    [InlineData(null)]
    public void TryParse_NotAToken_IsFalse(string? text) => Assert.False(Spelling.Methods.TryParse(text, out _));

    [Fact]
    public void TryParse_EveryToken_RoundTrips()
    {
        foreach (TrainingMethod method in Enum.GetValues<TrainingMethod>())
        {
            Assert.True(Spelling.Methods.TryParse(Spelling.Methods.Token(method), out TrainingMethod back));
            Assert.Equal(method, back);
        }
    }
}
