using Escala.Configuration;
using Escala.Governance;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Core.Tests.Governance;

public sealed class AdaptiveLimiterTests
{
    private static readonly TimeSpan NoLoad = TimeSpan.FromMilliseconds(100);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Record_FastAndBusy_GrowsByHalfEachRoundTripUntilTheFirstOverload()
    {
        var (sut, shared) = Create(min: 2, max: 50);

        var limits = new List<int> { sut.Current };
        for (var i = 0; i < 8; i++)
        {
            RoundTrip(sut, shared, sut.Current, NoLoad);
            limits.Add(sut.Current);
        }

        // A round trip closes on the first completion after one no-load latency, so growth shows up to one round trip late.
        Assert.All(limits.Zip(limits.Skip(1)), pair => Assert.InRange(pair.Second, pair.First, pair.First * 2));
        Assert.True(limits[^1] >= 12, string.Join(", ", limits));
        Assert.Equal(0, shared.Cuts);
    }

    [Fact]
    public void Record_LatencyAboveTolerance_CutsOnceByTheBackoff()
    {
        var (sut, shared) = Create(min: 2, max: 50, initial: 20);
        RoundTrip(sut, shared, 5, NoLoad, running: 5);
        RoundTrip(sut, shared, 5, NoLoad, running: 5);
        Assert.Equal(20, sut.Current); // a quarter in use: no growth

        // Twice the no-load latency: every attempt of the round trip says overload, the limit is cut once.
        RoundTrip(sut, shared, 20, NoLoad * 2, running: 5);
        RoundTrip(sut, shared, 20, NoLoad * 2, running: 5, startedBeforeCut: true);

        Assert.Equal(12, sut.Current);
        Assert.Equal(1, shared.Cuts);
    }

    [Fact]
    public void Record_OneSlowRoundTripAlone_DoesNotCut_TwoInARowDo()
    {
        var (sut, shared) = Create(min: 2, max: 50, initial: 20);
        Window(sut, shared, NoLoad);
        Window(sut, shared, NoLoad);

        // A stall of the node's own (one round trip at twice the no-load latency), then normal again: no cut.
        Window(sut, shared, NoLoad * 2);
        Window(sut, shared, NoLoad);
        Window(sut, shared, NoLoad * 2);
        Assert.Equal(0, shared.Cuts);
        Assert.Equal(20, sut.Current);

        // The dependency's queue stays: the second slow round trip in a row cuts.
        Window(sut, shared, NoLoad * 2);
        Assert.Equal(1, shared.Cuts);
        Assert.Equal(12, sut.Current);
    }

    /// <summary>One round trip of four attempts of <paramref name="latency"/>: three end now, the fourth one no-load latency later.</summary>
    private void Window(AdaptiveLimiter sut, SharedLimit shared, TimeSpan latency)
    {
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(i == 3 ? NoLoad : TimeSpan.FromMilliseconds(1));
            sut.Record(_time.GetUtcNow() - latency, AdaptiveSignal.Success, latency);
            Flush(sut, shared, running: 1);
        }
    }

    [Fact]
    public void Record_Overload_CutsAtOnceAndIgnoresAttemptsStartedBeforeTheCut()
    {
        var (sut, shared) = Create(min: 2, max: 50, initial: 30);
        var started = _time.GetUtcNow();
        _time.Advance(NoLoad);

        sut.Record(started, AdaptiveSignal.Overload);
        Flush(sut, shared);
        sut.Record(started, AdaptiveSignal.Overload);
        sut.Record(started, AdaptiveSignal.Overload);
        Flush(sut, shared);

        Assert.Equal(18, sut.Current);
        Assert.Equal(1, shared.Cuts);
    }

    [Fact]
    public void Record_NeutralFailures_ChangeNothing()
    {
        var (sut, shared) = Create(min: 2, max: 50, initial: 10);
        for (var i = 0; i < 20; i++)
        {
            var started = _time.GetUtcNow();
            _time.Advance(NoLoad);
            sut.Record(started, AdaptiveSignal.Neutral);
        }

        Assert.Null(sut.TakeAdjustment());
        Assert.Equal(10, sut.Current);
        Assert.Equal(0, shared.Cuts);
    }

    [Fact]
    public void Record_LittleUse_DoesNotGrow()
    {
        var (sut, shared) = Create(min: 2, max: 50, initial: 20);

        for (var i = 0; i < 10; i++)
        {
            RoundTrip(sut, shared, 3, NoLoad, running: 3);
        }

        Assert.Equal(20, sut.Current);
    }

    [Fact]
    public void Record_Overloads_NeverBelowMinNorAboveMax()
    {
        var (sut, shared) = Create(min: 4, max: 12, initial: 12);
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(NoLoad);
            sut.Record(_time.GetUtcNow() - NoLoad / 2, AdaptiveSignal.Overload);
            Flush(sut, shared);
        }

        Assert.Equal(4, sut.Current);
        for (var i = 0; i < 40; i++)
        {
            RoundTrip(sut, shared, sut.Current, NoLoad);
        }

        Assert.Equal(12, sut.Current);
    }

    /// <summary>
    /// Closed loop against a dependency that serves <c>capacity</c> at once and queues the rest (latency grows as
    /// limit / capacity): the limit finds each capacity, and the throughput it allows stays within 90 % of the best.
    /// </summary>
    [Theory]
    [InlineData(12, 4, 20)]
    [InlineData(30, 6, 3)]
    public void Record_QueueingDependencyChangesCapacity_FollowsEachCapacity(int first, int second, int third)
    {
        var (sut, shared) = Create(min: 2, max: 50);
        foreach (var capacity in new[] { first, second, third })
        {
            var served = 0.0;
            var limits = new List<int>();
            const int roundTrips = 80;
            for (var i = 0; i < roundTrips; i++)
            {
                var inFlight = sut.Current;
                var latency = NoLoad * Math.Max(1.0, (double)inFlight / capacity);
                RoundTrip(sut, shared, inFlight, latency);
                served += Math.Min(inFlight, capacity) / (double)capacity;
                limits.Add(inFlight);
            }

            Assert.True(served / roundTrips >= 0.9, $"capacity {capacity}: {served / roundTrips:P0} of the best throughput");

            // Settled: around the capacity, below where latency passes the tolerance (1.5×) plus a round trip's lag.
            Assert.InRange(limits.Skip(roundTrips / 2).Average(), capacity * 0.9, Math.Max(2, capacity * 1.75));
        }
    }

    private (AdaptiveLimiter Sut, SharedLimit Shared) Create(int min, int max, int? initial = null)
    {
        var options = new AdaptiveConcurrencyOptions { Min = min, Max = max, Initial = initial };
        return (new AdaptiveLimiter(options, _time), new SharedLimit(options, _time));
    }

    /// <summary><paramref name="count"/> attempts of <paramref name="latency"/> each, completing evenly over one latency.</summary>
    private void RoundTrip(AdaptiveLimiter sut, SharedLimit shared, int count, TimeSpan latency, long? running = null, bool startedBeforeCut = false)
    {
        for (var i = 0; i < count; i++)
        {
            _time.Advance(latency / count);
            var started = startedBeforeCut ? sut.LastCut - TimeSpan.FromMilliseconds(1) : _time.GetUtcNow() - latency;
            sut.Record(started, AdaptiveSignal.Success);
            Flush(sut, shared, running ?? count);
        }
    }

    private static void Flush(AdaptiveLimiter sut, SharedLimit shared, long running = 0)
    {
        if (sut.TakeAdjustment() is { } adjustment)
        {
            shared.Apply(adjustment);
        }

        sut.Applied(shared.Limit, shared.LastCut, running);
    }

    /// <summary>The store's rule (IAdaptiveLimitStore), in memory: the conformance suite checks the drivers keep it.</summary>
    private sealed class SharedLimit(AdaptiveConcurrencyOptions options, TimeProvider time)
    {
        public double Limit { get; private set; } = options.Initial ?? options.Min;

        public DateTimeOffset? LastCut { get; private set; }

        public int Cuts { get; private set; }

        public void Apply(LimitAdjustment adjustment)
        {
            if (adjustment.IsDecrease)
            {
                if (LastCut is null || LastCut < adjustment.Since)
                {
                    Limit = Math.Clamp(Limit * adjustment.Factor, options.Min, options.Max);
                    LastCut = time.GetUtcNow();
                    Cuts++;
                }

                return;
            }

            Limit = Math.Clamp(Limit + adjustment.Add, options.Min, options.Max);
        }
    }
}
