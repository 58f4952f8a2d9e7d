using Escala.Configuration;
using Escala.Governance;

namespace Escala.Core.Tests.Configuration;

public sealed class RatesTests
{
    [Theory]
    [InlineData("60/min", 60, 60_000)]
    [InlineData("60/m", 60, 60_000)]
    [InlineData("10/s", 10, 1_000)]
    [InlineData("5/2s", 5, 2_000)]
    [InlineData("1000/1h", 1000, 3_600_000)]
    [InlineData("100/hour", 100, 3_600_000)]
    [InlineData(" 3 / 1m30s ", 3, 90_000)]
    [InlineData("1/500ms", 1, 500)]
    public void TryParse_ValidRate_ReturnsPermitsPerWindow(string text, int permits, long perMilliseconds)
    {
        Assert.True(Rates.TryParse(text, out var rate));
        Assert.Equal(new RateLimit(permits, TimeSpan.FromMilliseconds(perMilliseconds)), rate);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("/s")]
    [InlineData("60/")]
    [InlineData("0/s")]
    [InlineData("-1/s")]
    [InlineData("1.5/s")]
    [InlineData("60/fortnight")]
    [InlineData("60/0s")]
    [InlineData("60/10")]
    public void TryParse_Junk_ReturnsFalse(string text)
    {
        Assert.False(Rates.TryParse(text, out var rate));
        Assert.Null(rate);
    }
}
