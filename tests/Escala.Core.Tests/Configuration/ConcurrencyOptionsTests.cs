using Escala.Configuration;
using Microsoft.Extensions.Configuration;

namespace Escala.Core.Tests.Configuration;

/// <summary><c>resources:NAME:concurrency</c> as a number or as <c>{adaptive: {min, max}}</c>, bound as the host binds it.</summary>
public sealed class ConcurrencyOptionsTests
{
    [Fact]
    public void Load_Number_IsAFixedLimit()
    {
        var concurrency = Load(("resources:llm:concurrency", "10")).Resources["llm"].Concurrency!;

        Assert.Equal(10, concurrency.Fixed);
        Assert.Null(concurrency.Adaptive);
    }

    [Fact]
    public void Load_AdaptiveSection_ReadsBoundsAndDefaults()
    {
        var concurrency = Load(("resources:llm:concurrency:adaptive:min", "2"), ("resources:llm:concurrency:adaptive:max", "50"))
            .Resources["llm"].Concurrency!;

        Assert.Null(concurrency.Fixed);
        var adaptive = Assert.IsType<AdaptiveConcurrencyOptions>(concurrency.Adaptive);
        Assert.Equal(2, adaptive.Min);
        Assert.Equal(50, adaptive.Max);
        Assert.Null(adaptive.Initial);
        Assert.Equal(AdaptiveConcurrencyDefaults.Tolerance, adaptive.Tolerance);
        Assert.Equal(AdaptiveConcurrencyDefaults.Backoff, adaptive.Backoff);
        Assert.Equal(2, concurrency.Initial);
    }

    [Theory]
    [InlineData("resources:llm:concurrency", "lots",
        "resources:llm:concurrency: 'lots' is not a whole number, nor a section such as {\"adaptive\": {\"min\": 2, \"max\": 50}}.")]
    [InlineData("resources:llm:concurrency", "0", "resources:llm:concurrency: 0 is outside 1..100000.")]
    [InlineData("resources:llm:concurrency:adaptive:min", "0", "resources:llm:concurrency:adaptive:min: 0 is outside 1..100000.")]
    [InlineData("resources:llm:concurrency:adaptive:backoff", "1", "resources:llm:concurrency:adaptive:backoff: 1 must be above 0 and at most 1.")]
    [InlineData("resources:llm:concurrency:adaptive:tolerance", "1", "resources:llm:concurrency:adaptive:tolerance: 1 must be above 1 and at most 10.")]
    [InlineData("resources:llm:concurrency:adaptiv:min", "2",
        "resources:llm:concurrency:adaptiv: unknown key; did you mean 'adaptive'?")]
    public void Load_BadValue_NamesTheKey(string key, string value, string message)
    {
        var ex = Assert.Throws<ConfigurationException>(() => Load((key, value)));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MaxBelowMin_NamesMax()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            Load(("resources:llm:concurrency:adaptive:min", "10"), ("resources:llm:concurrency:adaptive:max", "5")));

        Assert.Contains("resources:llm:concurrency:adaptive:max: 5 is below min (10).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InitialOutsideBounds_NamesInitial()
    {
        var ex = Assert.Throws<ConfigurationException>(() =>
            Load(("resources:llm:concurrency:adaptive:max", "5"), ("resources:llm:concurrency:adaptive:initial", "8")));

        Assert.Contains("resources:llm:concurrency:adaptive:initial: 8 is outside min..max (1..5).", ex.Message, StringComparison.Ordinal);
    }

    private static EscalaOptions Load(params (string Key, string Value)[] values) =>
        EscalaConfiguration.Load(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build());
}
