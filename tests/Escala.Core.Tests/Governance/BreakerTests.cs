using Escala.Configuration;
using Escala.Governance;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Core.Tests.Governance;

public sealed class BreakerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Record_CountReachedWithinWindow_Opens()
    {
        var sut = Count(failures: 3);

        Assert.Null(Fail(sut));
        Assert.Null(Fail(sut));
        Assert.Equal(BreakerState.Open, Fail(sut));
        Assert.Equal(BreakerState.Open, sut.Gate(_time.GetUtcNow()).State);
        Assert.Equal(_time.GetUtcNow() + OpenFor, sut.OpenUntil);
    }

    [Fact]
    public void Record_SuccessesBetweenFailures_StillOpensAtCount()
    {
        var sut = Count(failures: 2);

        Fail(sut);
        Assert.Null(sut.Record(failed: false, _time.GetUtcNow()));
        Assert.Equal(BreakerState.Open, Fail(sut));
    }

    [Fact]
    public void Record_FailuresOutsideWindow_DoNotCount()
    {
        var sut = Count(failures: 3);
        Fail(sut);
        Fail(sut);

        _time.Advance(Window);

        Assert.Null(Fail(sut));
        Assert.Null(Fail(sut));
        Assert.Equal(BreakerState.Closed, sut.State);
        Assert.Equal(BreakerState.Open, Fail(sut));
    }

    [Fact]
    public void Record_RatioBelowMinThroughput_StaysClosed()
    {
        var sut = Ratio(ratio: 0.5, minThroughput: 10);

        for (var i = 0; i < 9; i++)
        {
            Assert.Null(Fail(sut));
        }

        Assert.Equal(BreakerState.Closed, sut.State);
        Assert.Equal(BreakerState.Open, Fail(sut));
    }

    [Fact]
    public void Record_RatioUnderThresholdAtThroughput_StaysClosed()
    {
        var sut = Ratio(ratio: 0.5, minThroughput: 4);

        Fail(sut);
        Succeed(sut);
        Succeed(sut);
        Assert.Null(Succeed(sut));
        Assert.Equal(BreakerState.Closed, sut.State);
        Assert.Null(Fail(sut));
        Assert.Equal(BreakerState.Open, Fail(sut));
    }

    [Fact]
    public void Gate_OpenForElapsed_TurnsHalfOpenWithProbes()
    {
        var sut = Count(failures: 1, probes: 2);
        Fail(sut);

        _time.Advance(OpenFor - TimeSpan.FromMilliseconds(1));
        Assert.Equal(BreakerState.Open, sut.Gate(_time.GetUtcNow()).State);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(new BreakerGate(BreakerState.HalfOpen, 2), sut.Gate(_time.GetUtcNow()));
    }

    [Fact]
    public void Record_WhileOpen_ChangesNothing()
    {
        var sut = Count(failures: 1);
        Fail(sut);
        var openUntil = sut.OpenUntil;

        Assert.Null(Fail(sut));
        Assert.Null(Succeed(sut));
        Assert.Equal(openUntil, sut.OpenUntil);
        Assert.Equal(BreakerState.Open, sut.State);
    }

    [Fact]
    public void Record_HalfOpenSuccess_Closes()
    {
        var sut = Count(failures: 2);
        Fail(sut);
        Fail(sut);
        _time.Advance(OpenFor);

        Assert.Equal(BreakerState.Closed, Succeed(sut));
        Assert.Equal(BreakerState.Closed, sut.Gate(_time.GetUtcNow()).State);
        Assert.Null(Fail(sut));
    }

    [Fact]
    public void Record_HalfOpenFailure_ReopensForAnotherOpenFor()
    {
        var sut = Count(failures: 5);
        for (var i = 0; i < 5; i++)
        {
            Fail(sut);
        }

        _time.Advance(OpenFor);

        Assert.Equal(BreakerState.Open, Fail(sut));
        Assert.Equal(_time.GetUtcNow() + OpenFor, sut.OpenUntil);
        Assert.Equal(BreakerState.Open, sut.Gate(_time.GetUtcNow()).State);
    }

    private static Breaker Count(int failures, int probes = 1) => new(new BreakerOptions
    {
        Failures = failures,
        MinThroughput = 10,
        Window = Window,
        OpenFor = OpenFor,
        Probes = probes,
    });

    private static Breaker Ratio(double ratio, int minThroughput) => new(new BreakerOptions
    {
        Failures = 1,
        FailureRatio = ratio,
        MinThroughput = minThroughput,
        Window = Window,
        OpenFor = OpenFor,
        Probes = 1,
    });

    private BreakerState? Fail(Breaker sut) => sut.Record(failed: true, _time.GetUtcNow());

    private BreakerState? Succeed(Breaker sut) => sut.Record(failed: false, _time.GetUtcNow());
}
