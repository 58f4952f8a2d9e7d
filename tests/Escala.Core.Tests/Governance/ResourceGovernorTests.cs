using System.Reflection;
using Escala.Configuration;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Core.Tests.Governance;

public sealed class ResourceGovernorTests : IDisposable
{
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new();
    private readonly EscalaMetrics _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [Fact]
    public void AdmissionFor_NothingConfigured_ReturnsNone()
    {
        var settings = EscalaConfiguration.Validate(new EscalaOptions());
        var sut = Governor(settings);

        Assert.Same(Admission.None, sut.AdmissionFor(settings.Queues["default"]));
    }

    [Fact]
    public void AdmissionFor_TenantCapOnly_CarriesCap()
    {
        var options = new EscalaOptions();
        options.Queues["llm"] = new QueueOptions { TenantConcurrency = 2 };
        var settings = EscalaConfiguration.Validate(options);
        var sut = Governor(settings);

        var admission = sut.AdmissionFor(settings.Queues["llm"]);

        Assert.False(admission.IsNone);
        Assert.Equal(2, admission.TenantConcurrency);
        Assert.Empty(admission.Resources);
    }

    [Fact]
    public void AdmissionFor_ResourcesConfigured_CarriesTheirLimitsWithClosedGates()
    {
        var settings = Settings(breaker: false);
        var sut = Governor(settings);

        var limit = Assert.Single(sut.AdmissionFor(settings.Queues["default"]).Resources).Value;

        Assert.Equal(new ResourceLimit("llm", 10, new RateLimit(60, TimeSpan.FromMinutes(1)), BreakerGate.Closed), limit);
        Assert.Empty(sut.BreakerStates());
    }

    [Fact]
    public void AdmissionFor_PerKeyAndTenantWeights_CarriesThem()
    {
        var options = new EscalaOptions();
        options.Resources["llm"] = new ResourceOptions { PerKey = new PerKeyOptions { Concurrency = 2, Rate = new RateLimit(6, TimeSpan.FromMinutes(1)) } };
        options.Queues["llm"] = new QueueOptions { TenantWeights = { ["acme"] = 3 } };
        var settings = EscalaConfiguration.Validate(options);

        var admission = Governor(settings).AdmissionFor(settings.Queues["llm"]);

        Assert.Equal(new KeyLimit(2, new RateLimit(6, TimeSpan.FromMinutes(1))), admission.Resources["llm"].PerKey);
        Assert.True(admission.HasPerKey);
        Assert.Equal(3, admission.TenantWeights["acme"]);
    }

    [Fact]
    public void AdmissionFor_BreakerOpens_ReflectsOpenThenHalfOpenThenClosed()
    {
        var settings = Settings(breaker: true);
        var sut = Governor(settings);
        var queue = settings.Queues["default"];
        var changes = new List<(string, BreakerState)>();
        sut.BreakerChanged += (resource, state) => changes.Add((resource, state));
        Assert.Equal(BreakerState.Closed, sut.AdmissionFor(queue).Resources["llm"].Gate.State);

        sut.Record(Job(["llm"]), transientFailure: true, retryAfter: null);
        sut.Record(Job(["llm"]), transientFailure: true, retryAfter: null);

        var open = sut.AdmissionFor(queue).Resources["llm"];
        Assert.Equal(BreakerState.Open, open.Gate.State);
        Assert.Equal(0, open.EffectiveConcurrency);
        Assert.Equal(BreakerState.Open, sut.BreakerStates()["llm"]);

        _time.Advance(OpenFor);
        var halfOpen = sut.AdmissionFor(queue).Resources["llm"];
        Assert.Equal(new BreakerGate(BreakerState.HalfOpen, 1), halfOpen.Gate);
        Assert.Equal(1, halfOpen.EffectiveConcurrency);

        sut.Record(Job(["llm"]), transientFailure: false, retryAfter: null);
        Assert.Equal(BreakerState.Closed, sut.AdmissionFor(queue).Resources["llm"].Gate.State);
        Assert.Equal([("llm", BreakerState.Open), ("llm", BreakerState.Closed)], changes);
    }

    [Fact]
    public void Record_PermanentFailures_DoNotTripBreaker()
    {
        var settings = Settings(breaker: true);
        var sut = Governor(settings);

        for (var i = 0; i < 5; i++)
        {
            sut.Record(Job(["llm"]), transientFailure: false, retryAfter: null);
        }

        Assert.Equal(BreakerState.Closed, sut.AdmissionFor(settings.Queues["default"]).Resources["llm"].Gate.State);
    }

    [Fact]
    public void Record_FailuresOfJobsNotNeedingResource_DoNotTripBreaker()
    {
        var settings = Settings(breaker: true);
        var sut = Governor(settings);

        sut.Record(Job([]), transientFailure: true, retryAfter: null);
        sut.Record(Job(["other"]), transientFailure: true, retryAfter: null);
        sut.Record(Job(["other"]), transientFailure: true, retryAfter: null);

        Assert.Equal(BreakerState.Closed, sut.BreakerStates()["llm"]);
    }

    [Fact]
    public void AdmissionFor_AdaptiveLimit_StartsAtInitialAndAnOverloadCutsItAtOnce()
    {
        var options = new EscalaOptions();
        options.Resources["gemini"] = new ResourceOptions
        {
            Concurrency = new ConcurrencyOptions { Adaptive = new AdaptiveConcurrencyOptions { Min = 2, Max = 50, Initial = 20 } },
        };
        var settings = EscalaConfiguration.Validate(options);
        var sut = Governor(settings);
        var queue = settings.Queues["default"];
        Assert.Equal(20, sut.AdmissionFor(queue).Resources["gemini"].Concurrency);

        var started = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        sut.Record(Job(["gemini"]) with { AttemptedAt = started }, transientFailure: true, retryAfter: TimeSpan.Zero, AdaptiveSignal.Overload);

        // The store is down here: the cut holds on this node all the same.
        Assert.Equal(12, sut.AdmissionFor(queue).Resources["gemini"].Concurrency);
        Assert.Equal(new AdaptiveLimitView(12, 2, 50, AdaptiveLimitView.Aimd, null, null), sut.AdaptiveLimits()["gemini"]);
        Assert.Equal(12, sut.ConcurrencyLimit(settings.Resources["gemini"]));
    }

    private static EscalaOptions Settings(bool breaker)
    {
        var options = new EscalaOptions();
        options.Resources["llm"] = new ResourceOptions
        {
            Concurrency = 10,
            Rate = new RateLimit(60, TimeSpan.FromMinutes(1)),
            Breaker = breaker ? new BreakerOptions { Failures = 2, OpenFor = OpenFor } : null,
        };
        return EscalaConfiguration.Validate(options);
    }

    /// <summary>
    /// The governor pauses resources in the store when a breaker opens. No store is running in these unit tests,
    /// so it gets one that is down: every call fails, as with a lost database, and the local breaker must still work.
    /// </summary>
    private ResourceGovernor Governor(EscalaOptions settings) =>
        new(settings, DispatchProxy.Create<IJobStore, StoreThatIsDown>(), _metrics, _time, NullLogger<ResourceGovernor>.Instance);

    private Job Job(string[] resources) => new()
    {
        Id = 1,
        Tenant = "t1",
        Queue = "default",
        Kind = "llm.chat",
        Args = "{}",
        State = JobState.Running,
        Attempt = 1,
        MaxAttempts = 5,
        CreatedAt = _time.GetUtcNow(),
        RunAt = _time.GetUtcNow(),
        Resources = resources,
    };

    /// <summary>A store whose database cannot be reached.</summary>
    public class StoreThatIsDown : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException("The database is down.");
    }
}
