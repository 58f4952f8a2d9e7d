namespace Escala.Core.Tests;

public sealed class DurationsTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "500ms", TimeSpan.FromMilliseconds(500) },
        { "10s", TimeSpan.FromSeconds(10) },
        { "2m", TimeSpan.FromMinutes(2) },
        { "2min", TimeSpan.FromMinutes(2) },
        { "1h", TimeSpan.FromHours(1) },
        { "1d", TimeSpan.FromDays(1) },
        { "1m30s", TimeSpan.FromSeconds(90) },
        { "1h2m3s4ms", new TimeSpan(0, 1, 2, 3, 4) },
        { "1.5s", TimeSpan.FromMilliseconds(1500) },
        { "0.57s", TimeSpan.FromMilliseconds(570) },
        { "0.41s", TimeSpan.FromMilliseconds(410) },
        { "0.69m", TimeSpan.FromSeconds(41.4) },
        { "0s", TimeSpan.Zero },
        { "  10s ", TimeSpan.FromSeconds(10) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void TryParse_WithUnit_ReturnsExactDuration(string text, TimeSpan expected)
    {
        Assert.True(Durations.TryParse(text, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10")]
    [InlineData("1m30")]
    [InlineData("soon")]
    [InlineData("s")]
    [InlineData("10x")]
    [InlineData("10 s")]
    [InlineData("-5s")]
    [InlineData("1..5s")]
    [InlineData("99999999999999d")]
    public void TryParse_BareNumberOrJunk_ReturnsFalse(string? text)
    {
        Assert.False(Durations.TryParse(text, out var value));
        Assert.Equal(TimeSpan.Zero, value);
    }

    [Fact]
    public void Parse_Junk_ThrowsFormatExceptionQuotingTheText()
    {
        var ex = Assert.Throws<FormatException>(() => Durations.Parse("30"));

        Assert.Contains("'30'", ex.Message);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(250, "250ms")]
    [InlineData(10_000, "10s")]
    [InlineData(120_000, "2m")]
    [InlineData(90_000, "1m30s")]
    [InlineData(3_600_000, "1h")]
    [InlineData(93_784_005, "1d2h3m4s5ms")]
    [InlineData(1_500, "1s500ms")]
    public void Format_Duration_ReturnsShortestExactForm(long milliseconds, string expected)
    {
        Assert.Equal(expected, Durations.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData("1m30s")]
    [InlineData("1d2h3m4s5ms")]
    [InlineData("0.5ms")]
    [InlineData("570ms")]
    public void Format_ParsedText_RoundTrips(string text)
    {
        Assert.Equal(text, Durations.Format(Durations.Parse(text)));
    }
}
