namespace Escala.FakeDependency.Tests;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1m", 60_000)]
    public void TryParse_WithUnit_ReturnsDuration(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("200")]
    [InlineData("2x")]
    [InlineData("ms")]
    [InlineData("2h")]
    public void TryParse_WithoutKnownUnit_Fails(string text) =>
        Assert.False(DurationText.TryParse(text, out _));
}
