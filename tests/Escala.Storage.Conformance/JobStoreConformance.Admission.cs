using Escala.Governance;
using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    private static Admission Limits(params ResourceLimit[] limits) => new()
    {
        Resources = limits.ToDictionary(limit => limit.Name, StringComparer.Ordinal),
    };

    private static ResourceLimit Limit(string name, int? concurrency = null, RateLimit? rate = null, BreakerGate? gate = null) =>
        new(name, concurrency, rate, gate ?? BreakerGate.Closed);

    private static NewJob[] Jobs(int count, string[]? resources = null, string tenant = "t1", int priority = 0) =>
        Enumerable.Range(0, count).Select(_ => NewJob(resources: resources, tenant: tenant, priority: priority)).ToArray();

    [Fact]
    public async Task Admission_ConcurrencyLimit_LeasesOnlyFreeSlots()
    {
        await InsertAsync(Jobs(5, ["llm"]));
        var admission = Limits(Limit("llm", concurrency: 2));

        Assert.Equal(2, (await LeaseAsync(max: 10, admission: admission)).Count);
        Assert.Empty(await LeaseAsync(max: 10, admission: admission));
    }

    [Fact]
    public async Task Admission_SaturatedResource_ResourceFreeJobsBehindStillLeased()
    {
        var llm = await InsertAsync(Jobs(3, ["llm"], priority: 9));
        var free = await InsertAsync(Jobs(2));
        var admission = Limits(Limit("llm", concurrency: 1));

        var first = await LeaseAsync(max: 10, admission: admission);

        Assert.Equal([llm[0].Id, free[0].Id, free[1].Id], first.Select(job => job.Id));
        var later = await InsertOneAsync(NewJob());
        Assert.Equal([later.Id], (await LeaseAsync(max: 10, admission: admission)).Select(job => job.Id));
    }

    [Fact]
    public async Task Admission_ManyBlockedAhead_FreeJobStillLeased()
    {
        await InsertAsync(Jobs(300, ["ocr"], priority: 5));
        var free = await InsertOneAsync(NewJob());
        var admission = Limits(Limit("ocr", concurrency: 1));

        var leased = await LeaseAsync(max: 2, admission: admission);

        Assert.Contains(free.Id, leased.Select(job => job.Id));
        Assert.Single(leased, job => job.Resources.Contains("ocr"));
    }

    [Fact]
    public async Task Admission_JobNeedingTwoResources_NeedsRoomInBoth()
    {
        await InsertAndLeaseAsync(NewJob(resources: ["ocr"]));
        var both = await InsertOneAsync(NewJob(resources: ["llm", "ocr"]));
        var admission = Limits(Limit("llm", concurrency: 5), Limit("ocr", concurrency: 1));

        Assert.Empty(await LeaseAsync(admission: admission));
        Assert.Equal(JobState.Available, (await GetAsync(both.Id)).State);
    }

    [Fact]
    public async Task Admission_CompletedOrFailedJob_FreesItsSlot()
    {
        await InsertAsync(Jobs(3, ["llm"]));
        var admission = Limits(Limit("llm", concurrency: 1));
        var first = Assert.Single(await LeaseAsync(admission: admission));

        Assert.True(await CompleteAsync(first.Lease, new JobOutcome.Succeeded(null)));
        var second = Assert.Single(await LeaseAsync(admission: admission));
        Assert.True(await CompleteAsync(second.Lease, new JobOutcome.Failed(new AttemptError(1, T0, "lease expired", FailureKinds.LeaseExpired), T0.AddMinutes(1))));

        Assert.Single(await LeaseAsync(admission: admission));
    }

    [Fact]
    public async Task Admission_RunningInOtherQueue_CountsAgainstResource()
    {
        await InsertAndLeaseAsync(NewJob(queue: "other", resources: ["llm"]));
        await InsertOneAsync(NewJob(resources: ["llm"]));

        Assert.Empty(await LeaseAsync(admission: Limits(Limit("llm", concurrency: 1))));
    }

    [Fact]
    public async Task Admission_RateLimit_AdmitsPermitsPerSlidingWindow()
    {
        await InsertAsync(Jobs(6, ["llm"]));
        var admission = Limits(Limit("llm", rate: new RateLimit(2, TimeSpan.FromMinutes(1))));

        Assert.Equal(2, (await LeaseAsync(max: 10, admission: admission)).Count);
        Assert.Empty(await LeaseAsync(max: 10, now: T0.AddSeconds(59), admission: admission));
        Assert.Equal(2, (await LeaseAsync(max: 10, now: T0.AddSeconds(61), admission: admission)).Count);
    }

    [Fact]
    public async Task Admission_PausedResource_HeldBackUntilPauseEnds()
    {
        var llm = await InsertOneAsync(NewJob(resources: ["llm"]));
        var free = await InsertOneAsync(NewJob());
        await Store.PauseResourceAsync("llm", T0.AddMinutes(1), "429 from provider", Ct);
        var admission = Limits(Limit("llm"));

        Assert.Equal([free.Id], (await LeaseAsync(admission: admission)).Select(job => job.Id));
        Assert.Empty(await LeaseAsync(now: T0.AddSeconds(59), admission: admission));
        Assert.Equal([llm.Id], (await LeaseAsync(now: T0.AddMinutes(2), admission: admission)).Select(job => job.Id));
    }

    [Fact]
    public async Task Admission_BreakerOpen_AdmitsNothingHalfOpenAdmitsProbes()
    {
        await InsertAsync(Jobs(5, ["llm"]));

        Assert.Empty(await LeaseAsync(admission: Limits(Limit("llm", concurrency: 10, gate: new BreakerGate(BreakerState.Open, 0)))));
        Assert.Single(await LeaseAsync(admission: Limits(Limit("llm", concurrency: 10, gate: new BreakerGate(BreakerState.HalfOpen, 1)))));
    }

    [Fact]
    public async Task Admission_TenantCap_OtherTenantsStillLeased()
    {
        await InsertAsync(Jobs(3, tenant: "busy", priority: 5));
        var quiet = await InsertOneAsync(NewJob(tenant: "quiet"));
        var admission = new Admission { TenantConcurrency = 1 };

        var first = await LeaseAsync(max: 10, admission: admission);

        Assert.Equal(2, first.Count);
        Assert.Contains(quiet.Id, first.Select(job => job.Id));
        Assert.Single(first, job => job.Tenant == "busy");
        Assert.Empty(await LeaseAsync(max: 10, admission: admission));
    }

    [Fact]
    public async Task ResourceUsage_ReportsRunningWaitingAndPauses()
    {
        await InsertAndLeaseAsync(NewJob(resources: ["llm", "ocr"]));
        await InsertAsync(NewJob(queue: "q2", resources: ["llm"]), NewJob(queue: "q2", resources: ["llm"]));
        await Store.PauseResourceAsync("ocr", T0.AddMinutes(1), "breaker open", Ct);

        var usage = (await Store.GetResourceUsageAsync(T0, Ct)).ToDictionary(resource => resource.Name);

        Assert.Equal((1, 2), (usage["llm"].Running, usage["llm"].Waiting));
        Assert.Null(usage["llm"].PausedUntil);
        Assert.Equal((1, 0), (usage["ocr"].Running, usage["ocr"].Waiting));
        Assert.Equal(T0.AddMinutes(1), usage["ocr"].PausedUntil);
        Assert.Equal("breaker open", usage["ocr"].PauseReason);
        Assert.Null((await Store.GetResourceUsageAsync(T0.AddMinutes(2), Ct)).Single(resource => resource.Name == "ocr").PausedUntil);
    }

    [Fact]
    public async Task Admission_BreakerPauseExpired_HalfOpenAdmitsOnlyProbesUntilClosed()
    {
        await InsertAsync(Jobs(6, ["llm"]));
        var admission = Limits(Limit("llm", concurrency: 5) with { Probes = 2 });
        await Store.PauseResourceAsync("llm", T0.AddSeconds(30), BreakerPause.Reason, Ct);

        Assert.Empty(await LeaseAsync(max: 10, now: T0.AddSeconds(29), admission: admission));
        Assert.False(await Store.CloseBreakerAsync("llm", T0.AddSeconds(29), Ct));
        var probes = await LeaseAsync(max: 10, now: T0.AddSeconds(31), admission: admission);
        Assert.Equal(2, probes.Count);
        Assert.Empty(await LeaseAsync(max: 10, now: T0.AddSeconds(32), admission: admission));

        Assert.True(await Store.CloseBreakerAsync("llm", T0.AddSeconds(33), Ct));
        Assert.False(await Store.CloseBreakerAsync("llm", T0.AddSeconds(33), Ct));
        Assert.Equal(3, (await LeaseAsync(max: 10, now: T0.AddSeconds(34), admission: admission)).Count);
    }

    [Fact]
    public async Task CloseBreaker_OtherPauseReason_LeavesPauseAlone()
    {
        await Store.PauseResourceAsync("llm", T0.AddSeconds(30), "dependency asked to retry later (429)", Ct);

        Assert.False(await Store.CloseBreakerAsync("llm", T0.AddMinutes(1), Ct));
        Assert.Equal(T0.AddSeconds(30), (await Store.GetResourceUsageAsync(T0, Ct)).Single(resource => resource.Name == "llm").PausedUntil);
    }
}
