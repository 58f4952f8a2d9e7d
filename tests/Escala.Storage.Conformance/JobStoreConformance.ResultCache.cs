using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>The result cache: hits are stored completed without an attempt; completed keyed jobs are found per tenant.</summary>
public abstract partial class JobStoreConformance
{
    private IResultCacheStore CacheStore => Assert.IsAssignableFrom<IResultCacheStore>(Store);

    [Fact]
    public async Task Cache_InsertWithCachedResult_StoredCompletedWithoutAttemptAndNeverLeased()
    {
        var hit = await InsertOneAsync(NewJob() with { CachedResult = "{\"answer\":42}" });

        foreach (var job in new[] { hit, await GetAsync(hit.Id) })
        {
            Assert.Equal(JobState.Completed, job.State);
            Assert.Equal(0, job.Attempt);
            Assert.True(job.Cached);
            Assert.Equal("{\"answer\":42}", job.Result);
            Assert.Equal(T0, job.FinishedAt);
        }

        Assert.Empty(await LeaseAsync());
    }

    [Fact]
    public async Task Cache_CompletedJobWithKey_FoundWithinTheWindowForItsTenantOnly()
    {
        var job = await InsertAndLeaseAsync(NewJob() with { CacheKey = "k1" });
        Assert.Null(await CacheStore.FindCachedResultAsync("t1", "k1", T0 - TimeSpan.FromMinutes(1), Ct));
        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Succeeded("\"done\""), T0 + TimeSpan.FromSeconds(1)));

        var found = await CacheStore.FindCachedResultAsync("t1", "k1", T0, Ct);

        Assert.NotNull(found);
        Assert.Equal("\"done\"", found.Result);
        Assert.Equal(T0 + TimeSpan.FromSeconds(1), found.CompletedAt);
        Assert.False(job.Cached);
        Assert.Null(await CacheStore.FindCachedResultAsync("t1", "k1", T0 + TimeSpan.FromSeconds(2), Ct));
        Assert.Null(await CacheStore.FindCachedResultAsync("t2", "k1", T0, Ct));
        Assert.Null(await CacheStore.FindCachedResultAsync("t1", "k2", T0, Ct));
    }

    [Fact]
    public async Task Cache_NewestCompletionWins_AndFailedJobsAreNoEntry()
    {
        var older = await InsertAndLeaseAsync(NewJob() with { CacheKey = "k" });
        Assert.True(await CompleteAsync(older.Lease, new JobOutcome.Succeeded("1"), T0 + TimeSpan.FromSeconds(1)));
        var newer = await InsertAndLeaseAsync(NewJob() with { CacheKey = "k" });
        Assert.True(await CompleteAsync(newer.Lease, new JobOutcome.Succeeded("2"), T0 + TimeSpan.FromSeconds(2)));
        var failed = await InsertAndLeaseAsync(NewJob(maxAttempts: 1) with { CacheKey = "k" });
        Assert.True(await CompleteAsync(failed.Lease, new JobOutcome.Failed(Error(1), null), T0 + TimeSpan.FromSeconds(3)));

        Assert.Equal("2", (await CacheStore.FindCachedResultAsync("t1", "k", T0, Ct))!.Result);
    }
}
