using Escala.Governance;
using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

// Per-key limits (resources:NAME:perKey with a job's concurrencyKey) and the fair turns between tenants and keys.
public abstract partial class JobStoreConformance
{
    private static readonly RateLimit SixPerMinute = new(6, TimeSpan.FromMinutes(1));

    private static Admission PerKey(int? global = null, int? perKey = null, RateLimit? perKeyRate = null) =>
        Limits(Limit("llm", concurrency: global) with { PerKey = new KeyLimit(perKey, perKeyRate) });

    private static NewJob[] KeyJobs(int count, string? concurrencyKey, string tenant = "t1", string resource = "llm") =>
        Enumerable.Range(0, count).Select(_ => NewJob(tenant: tenant, resources: [resource]) with { ConcurrencyKey = concurrencyKey }).ToArray();

    /// <summary>Ids of the inserted jobs of each key, to tell which key a leased job had.</summary>
    private static int CountOf(IEnumerable<Job> leased, List<Job> ofKey) => leased.Count(job => ofKey.Any(k => k.Id == job.Id));

    [Fact]
    public async Task ConcurrencyKey_IsKeptWithTheJob_OnInsertReadAndLease()
    {
        var inserted = await InsertOneAsync(NewJob(resources: ["llm"]) with { ConcurrencyKey = "user:42" });
        var plain = await InsertOneAsync(NewJob(resources: ["llm"]));

        var leased = await LeaseAsync(max: 10, admission: PerKey(global: 10, perKey: 5));

        Assert.Equal("user:42", inserted.ConcurrencyKey);
        Assert.Equal("user:42", (await GetAsync(inserted.Id)).ConcurrencyKey);
        Assert.Null((await GetAsync(plain.Id)).ConcurrencyKey);
        Assert.Equal("user:42", Assert.Single(leased, job => job.Id == inserted.Id).ConcurrencyKey);
    }

    [Fact]
    public async Task PerKey_Concurrency_EachKeyRunsAtMostItsLimit()
    {
        var a = await InsertAsync(KeyJobs(5, "user:a"));
        var b = await InsertAsync(KeyJobs(5, "user:b"));
        var admission = PerKey(global: 10, perKey: 2);

        var leased = await LeaseAsync(max: 10, admission: admission);

        Assert.Equal(2, CountOf(leased, a));
        Assert.Equal(2, CountOf(leased, b));
        Assert.Empty(await LeaseAsync(max: 10, admission: admission));
    }

    [Fact]
    public async Task PerKey_KeyAtItsLimitWithABacklog_AnotherKeysJobStillStarts()
    {
        await InsertAsync(KeyJobs(1000, "user:a"));
        var admission = PerKey(global: 50, perKey: 2);
        Assert.Equal(2, (await LeaseAsync(max: 10, admission: admission)).Count);
        var b = await InsertOneAsync(NewJob(resources: ["llm"]) with { ConcurrencyKey = "user:b" });

        var leased = await LeaseAsync(max: 1, admission: admission);

        Assert.Equal([b.Id], leased.Select(job => job.Id));
    }

    [Fact]
    public async Task PerKey_Concurrency_HoldsAcrossNodes()
    {
        await InsertAsync(KeyJobs(5, "user:a"));
        var admission = PerKey(perKey: 2);
        Assert.Single(await LeaseAsync(max: 1, admission: admission));
        var other = await OpenAnotherNodeAsync();

        var there = await other.LeaseAsync(
            new LeaseRequest { Queue = "default", Holder = "node-b", Max = 10, Now = T0, LeaseFor = LeaseFor, Admission = admission }, Ct);

        Assert.Single(there);
        Assert.Empty(await LeaseAsync(max: 10, admission: admission));
    }

    [Fact]
    public async Task PerKey_CompletedJob_FreesItsKeysSlot()
    {
        await InsertAsync(KeyJobs(3, "user:a"));
        var admission = PerKey(perKey: 1);
        var first = Assert.Single(await LeaseAsync(max: 10, admission: admission));
        Assert.Empty(await LeaseAsync(max: 10, admission: admission));

        Assert.True(await CompleteAsync(first.Lease, new JobOutcome.Succeeded(null)));

        Assert.Single(await LeaseAsync(max: 10, admission: admission));
    }

    [Fact]
    public async Task PerKey_Rate_EachKeyStartsAtMostItsPermitsPerWindow()
    {
        var a = await InsertAsync(KeyJobs(8, "user:a"));
        var b = await InsertAsync(KeyJobs(8, "user:b"));
        var admission = PerKey(perKeyRate: SixPerMinute);

        var first = await LeaseAsync(max: 20, admission: admission);
        foreach (var job in first)
        {
            Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Succeeded(null)));
        }

        Assert.Equal(6, CountOf(first, a));
        Assert.Equal(6, CountOf(first, b));
        Assert.Empty(await LeaseAsync(max: 20, admission: admission, now: T0.AddSeconds(59)));
        var later = await LeaseAsync(max: 20, admission: admission, now: T0.AddSeconds(61));
        Assert.Equal(2, CountOf(later, a));
        Assert.Equal(2, CountOf(later, b));
    }

    [Fact]
    public async Task PerKey_Rate_HoldsAcrossNodes()
    {
        await InsertAsync(KeyJobs(10, "user:a"));
        var admission = PerKey(perKeyRate: SixPerMinute);
        Assert.Equal(4, (await LeaseAsync(max: 4, admission: admission)).Count);
        var other = await OpenAnotherNodeAsync();

        var there = await other.LeaseAsync(
            new LeaseRequest { Queue = "default", Holder = "node-b", Max = 10, Now = T0.AddSeconds(1), LeaseFor = LeaseFor, Admission = admission }, Ct);

        Assert.Equal(2, there.Count);
    }

    [Fact]
    public async Task PerKey_SameKeyInTwoTenants_IsTwoKeys()
    {
        await InsertAsync(KeyJobs(3, "user:1", tenant: "t1"));
        await InsertAsync(KeyJobs(3, "user:1", tenant: "t2"));

        var leased = await LeaseAsync(max: 10, admission: PerKey(perKey: 1));

        Assert.Equal(["t1", "t2"], leased.Select(job => job.Tenant).Order());
    }

    [Fact]
    public async Task PerKey_JobsWithoutKey_HoldOnlyTheGlobalLimit()
    {
        await InsertAsync(KeyJobs(5, concurrencyKey: null));

        Assert.Equal(4, (await LeaseAsync(max: 10, admission: PerKey(global: 4, perKey: 1))).Count);
    }

    [Fact]
    public async Task PerKey_GlobalLimit_StillHoldsOverAllKeys()
    {
        await InsertAsync(KeyJobs(3, "user:a"));
        await InsertAsync(KeyJobs(3, "user:b"));

        Assert.Equal(3, (await LeaseAsync(max: 10, admission: PerKey(global: 3, perKey: 2))).Count);
    }

    [Fact]
    public async Task Fairness_BacklogOfOneTenant_AnotherTenantsJobTakesTheNextFreeSlot()
    {
        var a = await InsertAsync(KeyJobs(500, concurrencyKey: null, tenant: "t1"));
        var admission = Limits(Limit("llm", concurrency: 2));
        var running = await LeaseAsync(max: 10, admission: admission);
        Assert.Equal(2, running.Count);
        var b = await InsertOneAsync(NewJob(tenant: "t2", resources: ["llm"]));

        Assert.True(await CompleteAsync(running[0].Lease, new JobOutcome.Succeeded(null)));
        var next = await LeaseAsync(max: 10, admission: admission);

        Assert.Equal([b.Id], next.Select(job => job.Id));
        Assert.Equal(2, CountOf(running, a));
    }

    [Fact]
    public async Task Fairness_KeysTakeTurns_OneSlotAtATime()
    {
        var a = await InsertAsync(KeyJobs(6, "user:a"));
        await InsertAsync(KeyJobs(6, "user:b"));
        var admission = Limits(Limit("llm", concurrency: 1));

        var order = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var job = Assert.Single(await LeaseAsync(max: 10, admission: admission));
            order.Add(a.Any(j => j.Id == job.Id) ? "a" : "b");
            Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Succeeded(null)));
        }

        Assert.Equal(["a", "b", "a", "b"], order);
    }

    [Fact]
    public async Task Fairness_TwoTenantsWaiting_OneLeaseTakesTurnsBetweenThem()
    {
        var a = await InsertAsync(KeyJobs(10, concurrencyKey: null, tenant: "t1"));
        var b = await InsertAsync(KeyJobs(10, concurrencyKey: null, tenant: "t2"));

        var leased = await LeaseAsync(max: 4, admission: Limits(Limit("llm", concurrency: 4)));

        Assert.Equal(2, CountOf(leased, a));
        Assert.Equal(2, CountOf(leased, b));
    }

    [Fact]
    public async Task Fairness_TenantWeights_GiveMoreTurns()
    {
        var a = await InsertAsync(KeyJobs(10, concurrencyKey: null, tenant: "t1"));
        var b = await InsertAsync(KeyJobs(10, concurrencyKey: null, tenant: "t2"));
        var admission = Limits(Limit("llm", concurrency: 4)) with { TenantWeights = new Dictionary<string, int> { ["t2"] = 3 } };

        var leased = await LeaseAsync(max: 4, admission: admission);

        Assert.Equal(1, CountOf(leased, a));
        Assert.Equal(3, CountOf(leased, b));
    }

    private IAdmissionInsight Insight => Assert.IsAssignableFrom<IAdmissionInsight>(Store);

    [Fact]
    public async Task Insight_StartsSince_CountsTheResourcesRateLog()
    {
        await InsertAsync(Jobs(3, ["llm"]));
        Assert.Equal(3, (await LeaseAsync(max: 10, admission: Limits(Limit("llm", rate: SixPerMinute)))).Count);

        Assert.Equal(3, await Insight.StartsSinceAsync("llm", T0.AddMinutes(-1), Ct));
        Assert.Equal(0, await Insight.StartsSinceAsync("llm", T0, Ct));
        Assert.Equal(0, await Insight.StartsSinceAsync("ocr", T0.AddMinutes(-1), Ct));
    }

    [Fact]
    public async Task Insight_KeyStanding_SaysTheJobsKeyAndItsUse()
    {
        var jobs = await InsertAsync(KeyJobs(3, "user:a"));
        var keyless = await InsertOneAsync(NewJob(resources: ["llm"]));
        var leased = await LeaseAsync(max: 10, admission: PerKey(perKey: 1, perKeyRate: SixPerMinute));
        Assert.Equal([jobs[0].Id, keyless.Id], leased.Select(job => job.Id));

        var standing = await Insight.KeyStandingAsync("t1", jobs[2].Id, "llm", T0.AddMinutes(-1), Ct);

        Assert.Equal(new KeyStanding("user:a", 1, 1), standing);
        Assert.Null(await Insight.KeyStandingAsync("t1", keyless.Id, "llm", T0.AddMinutes(-1), Ct));
        Assert.Null(await Insight.KeyStandingAsync("t2", jobs[2].Id, "llm", T0.AddMinutes(-1), Ct));
    }

    [Fact]
    public async Task Insight_WaitingGroups_CountsTenantsAndKeysWithGovernedJobs()
    {
        await InsertAsync(KeyJobs(5, "user:a"));
        await InsertAsync(KeyJobs(1, "user:b"));
        await InsertAsync(KeyJobs(2, concurrencyKey: null, tenant: "t2"));
        await InsertAsync(Jobs(3));

        Assert.Equal(3, await Insight.WaitingGroupsAsync("default", 10, Ct));
        Assert.Equal(2, await Insight.WaitingGroupsAsync("default", 2, Ct));
        Assert.Equal(0, await Insight.WaitingGroupsAsync("other", 10, Ct));
    }
}
