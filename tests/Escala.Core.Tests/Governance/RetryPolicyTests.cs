using Escala.Governance;

namespace Escala.Core.Tests.Governance;

public sealed class RetryPolicyTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(2, 2_000)]
    [InlineData(3, 4_000)]
    [InlineData(5, 16_000)]
    [InlineData(10, 512_000)]
    public void Backoff_NoJitter_DoublesEachAttempt(int attempt, long expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), RetryPolicy.Backoff(attempt, Base, Max, random: 0.5));
    }

    [Theory]
    [InlineData(11)]
    [InlineData(40)]
    [InlineData(int.MaxValue)]
    public void Backoff_ManyAttempts_CappedAtMax(int attempt)
    {
        Assert.Equal(Max, RetryPolicy.Backoff(attempt, Base, Max, random: 0.5));
    }

    [Theory]
    [InlineData(0.0, 800)]
    [InlineData(0.25, 900)]
    [InlineData(0.75, 1_100)]
    [InlineData(1.0, 1_200)]
    public void Backoff_Random_JittersWithinTwentyPercent(double random, long expectedMilliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), RetryPolicy.Backoff(1, Base, Max, random));
    }

    [Fact]
    public void Backoff_ManyRandomDraws_StayWithinBounds()
    {
        var random = new Random(7);
        for (var i = 0; i < 1_000; i++)
        {
            var backoff = RetryPolicy.Backoff(3, Base, Max, random.NextDouble());
            Assert.InRange(backoff, TimeSpan.FromMilliseconds(3_200), TimeSpan.FromMilliseconds(4_800));
        }
    }

    [Fact]
    public void Backoff_Capped_JitterAppliesAfterCap()
    {
        Assert.Equal(TimeSpan.FromMinutes(8), RetryPolicy.Backoff(30, Base, Max, random: 0));
        Assert.Equal(TimeSpan.FromMinutes(12), RetryPolicy.Backoff(30, Base, Max, random: 1));
    }

    [Fact]
    public void Backoff_ZeroBase_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, RetryPolicy.Backoff(4, TimeSpan.Zero, Max, random: 1));
    }
}
