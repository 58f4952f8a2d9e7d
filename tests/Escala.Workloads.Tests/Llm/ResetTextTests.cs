using Escala.Workloads.Llm;

namespace Escala.Workloads.Tests.Llm;

public sealed class ResetTextTests
{
    [Theory]
    [InlineData("6.5s", 6500)]
    [InlineData("120ms", 120)]
    [InlineData("1m2.5s", 62_500)]
    [InlineData("1h3m", 3_780_000)]
    [InlineData("2m", 120_000)]
    public void TryParse_ProviderResetValues(string text, double milliseconds)
    {
        Assert.True(ResetText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5")]
    public void TryParse_Garbage_False(string text) => Assert.False(ResetText.TryParse(text, out _));
}
