using Escala.Governance;

namespace Escala.Core.Tests.Governance;

public sealed class AdmissionPlannerTests
{
    private static readonly DateTimeOffset Now = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Llm = ["llm"];
    private static readonly string[] Ocr = ["ocr"];
    private static readonly string[] LlmAndOcr = ["llm", "ocr"];
    private static readonly string[] Mystery = ["mystery"];
    private static readonly string[] Nothing = [];

    [Fact]
    public void TryAdmit_ConcurrencyRoom_AdmitsUpToFreeSlots()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 3, null, BreakerGate.Closed)), running: new() { ["llm"] = 1 });

        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.False(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_ManyCandidates_NeverOverAdmits()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 7, null, BreakerGate.Closed)), running: new() { ["llm"] = 2 });

        var admitted = Enumerable.Range(0, 100).Count(_ => sut.TryAdmit("t1", Llm));

        Assert.Equal(5, admitted);
    }

    [Fact]
    public void Constructor_ConcurrencyFull_BlocksResource()
    {
        var sut = Planner(
            Limits(new ResourceLimit("llm", 2, null, BreakerGate.Closed), new ResourceLimit("ocr", 3, null, BreakerGate.Closed)),
            running: new() { ["llm"] = 2, ["ocr"] = 1 });

        Assert.Equal(["llm"], sut.BlockedResources);
        Assert.False(sut.TryAdmit("t1", Llm));
        Assert.True(sut.TryAdmit("t1", Ocr));
    }

    [Fact]
    public void TryAdmit_RateRoom_AdmitsRemainingPermitsAndCountsStarts()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", null, new RateLimit(5, TimeSpan.FromMinutes(1)), BreakerGate.Closed)),
            starts: new() { ["llm"] = 3 });

        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.False(sut.TryAdmit("t1", Llm));
        Assert.Equal(2, sut.AdmittedRateStarts["llm"]);
    }

    [Fact]
    public void Constructor_RateExhausted_BlocksResource()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 10, new RateLimit(5, TimeSpan.FromMinutes(1)), BreakerGate.Closed)),
            starts: new() { ["llm"] = 5 });

        Assert.Contains("llm", sut.BlockedResources);
        Assert.False(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_ConcurrencyAndRate_TighterLimitWins()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 10, new RateLimit(3, TimeSpan.FromSeconds(1)), BreakerGate.Closed)),
            running: new() { ["llm"] = 2 }, starts: new() { ["llm"] = 1 });

        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => sut.TryAdmit("t1", Llm)));
    }

    [Fact]
    public void TryAdmit_ConcurrencyOnly_RecordsNoRateStarts()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 3, null, BreakerGate.Closed)));

        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.Empty(sut.AdmittedRateStarts);
    }

    [Fact]
    public void Constructor_PausedUntilLater_BlocksResource()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", null, null, BreakerGate.Closed)),
            paused: new() { ["llm"] = Now.AddSeconds(1) });

        Assert.Contains("llm", sut.BlockedResources);
        Assert.False(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void Constructor_PauseOver_Admits()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", null, null, BreakerGate.Closed)),
            paused: new() { ["llm"] = Now });

        Assert.Empty(sut.BlockedResources);
        Assert.True(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_OneResourceFull_AdmitsNothingAndTakesNothing()
    {
        var sut = Planner(
            Limits(new ResourceLimit("llm", 1, new RateLimit(1, TimeSpan.FromMinutes(1)), BreakerGate.Closed), new ResourceLimit("ocr", 1, null, BreakerGate.Closed)),
            running: new() { ["ocr"] = 1 });

        Assert.False(sut.TryAdmit("t1", LlmAndOcr));
        Assert.Empty(sut.AdmittedRateStarts);
        Assert.True(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_TenantCap_AdmitsUpToCapPerTenant()
    {
        var sut = Planner(new Admission { TenantConcurrency = 2 }, tenants: new() { ["a"] = 1, ["b"] = 2 });

        Assert.Equal(["b"], sut.BlockedTenants);
        Assert.True(sut.TryAdmit("a", Nothing));
        Assert.False(sut.TryAdmit("a", Nothing));
        Assert.False(sut.TryAdmit("b", Nothing));
        Assert.True(sut.TryAdmit("c", Nothing));
        Assert.True(sut.TryAdmit("c", Nothing));
        Assert.False(sut.TryAdmit("c", Nothing));
    }

    [Fact]
    public void TryAdmit_TenantAtCap_TakesNoResourceCapacity()
    {
        var sut = Planner(new Admission { Resources = Limits(new ResourceLimit("llm", 1, null, BreakerGate.Closed)).Resources, TenantConcurrency = 1 },
            tenants: new() { ["a"] = 1 });

        Assert.False(sut.TryAdmit("a", Llm));
        Assert.True(sut.TryAdmit("b", Llm));
    }

    [Fact]
    public void TryAdmit_NoTenantCap_IgnoresTenantCounts()
    {
        var sut = Planner(Admission.None, tenants: new() { ["a"] = 1_000 });

        Assert.Empty(sut.BlockedTenants);
        Assert.True(sut.TryAdmit("a", Nothing));
    }

    [Fact]
    public void TryAdmit_UnknownResource_Unlimited()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 1, new RateLimit(1, TimeSpan.FromMinutes(1)), BreakerGate.Closed)));

        Assert.Equal(1_000, Enumerable.Range(0, 1_000).Count(_ => sut.TryAdmit("t1", Mystery)));
        Assert.Empty(sut.AdmittedRateStarts);
        Assert.Empty(sut.BlockedResources);
    }

    [Fact]
    public void TryAdmit_HalfOpenGate_LimitsToProbes()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 10, null, new BreakerGate(BreakerState.HalfOpen, 2))));

        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => sut.TryAdmit("t1", Llm)));
    }

    [Fact]
    public void TryAdmit_HalfOpenGateWithoutConcurrency_LimitsToProbes()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", null, null, new BreakerGate(BreakerState.HalfOpen, 1))));

        Assert.True(sut.TryAdmit("t1", Llm));
        Assert.False(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void Constructor_HalfOpenProbeAlreadyRunning_BlocksResource()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 10, null, new BreakerGate(BreakerState.HalfOpen, 1))), running: new() { ["llm"] = 1 });

        Assert.Contains("llm", sut.BlockedResources);
        Assert.False(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void Constructor_OpenGate_BlocksResource()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 10, null, new BreakerGate(BreakerState.Open, 1))));

        Assert.Equal(["llm"], sut.BlockedResources);
        Assert.False(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_PerKeyConcurrency_EachKeyUpToItsRoom()
    {
        var usage = new KeyUsage();
        usage.Running[new KeySlot("llm", "t1", "user:a")] = 1;
        var sut = Planner(Limits(new ResourceLimit("llm", 10, null, BreakerGate.Closed) { PerKey = new KeyLimit(2, null) }), keys: usage);

        Assert.True(sut.TryAdmit("t1", Llm, key: "user:a"));
        Assert.False(sut.TryAdmit("t1", Llm, key: "user:a"));
        Assert.True(sut.TryAdmit("t1", Llm, key: "user:b"));
        Assert.True(sut.TryAdmit("t2", Llm, key: "user:a"));
        Assert.True(sut.TryAdmit("t1", Llm));
    }

    [Fact]
    public void TryAdmit_PerKeyRate_CountsStartsAndRecordsAdmitted()
    {
        var slot = new KeySlot("llm", "t1", "user:a");
        var usage = new KeyUsage();
        usage.StartsInWindow[slot] = 5;
        var sut = Planner(Limits(new ResourceLimit("llm", null, null, BreakerGate.Closed) { PerKey = new KeyLimit(null, new RateLimit(6, TimeSpan.FromMinutes(1))) }), keys: usage);

        Assert.True(sut.TryAdmit("t1", Llm, key: "user:a"));
        Assert.False(sut.TryAdmit("t1", Llm, key: "user:a"));
        Assert.Equal(1, sut.AdmittedKeyStarts[slot]);
    }

    [Fact]
    public void BlockedKeys_KeyAtItsLimit_IsListedForTheSqlFilter()
    {
        var full = new KeySlot("llm", "t1", "user:a");
        var usage = new KeyUsage();
        usage.Running[full] = 2;
        usage.Running[new KeySlot("llm", "t1", "user:b")] = 1;

        var sut = Planner(Limits(new ResourceLimit("llm", null, null, BreakerGate.Closed) { PerKey = new KeyLimit(2, null) }), keys: usage);

        Assert.Equal([full], sut.BlockedKeys);
        Assert.Empty(sut.BlockedResources);
    }

    [Fact]
    public void TryAdmit_KeyFreeButGlobalFull_Refuses()
    {
        var sut = Planner(Limits(new ResourceLimit("llm", 1, null, BreakerGate.Closed) { PerKey = new KeyLimit(5, null) }), running: new() { ["llm"] = 1 }, keys: new KeyUsage());

        Assert.False(sut.TryAdmit("t1", Llm, key: "user:a"));
    }

    private static Admission Limits(params ResourceLimit[] limits) => new()
    {
        Resources = limits.ToDictionary(l => l.Name, StringComparer.Ordinal),
    };

    private static AdmissionPlanner Planner(
        Admission admission,
        Dictionary<string, long>? running = null,
        Dictionary<string, int>? starts = null,
        Dictionary<string, DateTimeOffset>? paused = null,
        Dictionary<string, long>? tenants = null,
        KeyUsage? keys = null) =>
        new(admission, running ?? [], starts ?? [], paused ?? [], tenants ?? [], Now, keyUsage: keys);
}
