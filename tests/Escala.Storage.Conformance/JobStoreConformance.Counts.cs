using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task CountByQueue_AllTenants_CountsEveryStatePerQueue()
    {
        await InsertAsync(NewJob(queue: "a"), NewJob(queue: "a"), NewJob(queue: "a", runAt: T0.AddHours(1)), NewJob(queue: "b", tenant: "t2"));
        var running = Assert.Single(await LeaseAsync(queue: "a", max: 1));
        await InsertAndLeaseAsync(NewJob(queue: "b", tenant: "t2"));

        var counts = (await Store.CountByQueueAsync(null, Ct)).ToDictionary(count => count.Queue);

        Assert.Equal(["a", "b"], counts.Keys.Order());
        Assert.Equal((1L, 1L, 1L), (counts["a"][JobState.Available], counts["a"][JobState.Running], counts["a"][JobState.Scheduled]));
        Assert.Equal(0, counts["a"][JobState.Dead]);
        Assert.Equal(JobStates.All.Count, counts["a"].Counts.Count);
        Assert.Equal((1L, 1L), (counts["b"][JobState.Available], counts["b"][JobState.Running]));
        Assert.Equal(JobState.Running, running.State);
    }

    [Fact]
    public async Task CountActiveByQueue_CountsJobsNotYetFinal_AndNoFinishedOnes()
    {
        await InsertAsync(NewJob(queue: "a"), NewJob(queue: "a", tenant: "t2"), NewJob(queue: "a", runAt: T0.AddHours(1)));
        var running = await InsertAndLeaseAsync(NewJob(queue: "a"));
        var finished = await InsertAndLeaseAsync(NewJob(queue: "done-only"));
        Assert.True(await CompleteAsync(finished.Lease, new JobOutcome.Succeeded(null)));
        var failed = await InsertAndLeaseAsync(NewJob(queue: "a"));
        Assert.True(await CompleteAsync(failed.Lease, new JobOutcome.Failed(new AttemptError(1, T0, "boom", FailureKinds.Transient), T0.AddMinutes(1))));

        var counts = Assert.Single(await Store.CountActiveByQueueAsync(Ct));

        Assert.Equal("a", counts.Queue);
        Assert.Equal((2L, 1L, 1L, 1L), (counts[JobState.Available], counts[JobState.Running], counts[JobState.Scheduled], counts[JobState.Retryable]));
        Assert.Equal([JobState.Scheduled, JobState.Available, JobState.Running, JobState.Retryable], counts.Counts.Keys.Order());
        Assert.Equal(JobState.Running, running.State);
    }

    [Fact]
    public async Task CountByQueue_OneTenant_OnlyItsJobs()
    {
        await InsertAsync(NewJob(queue: "a", tenant: "t1"), NewJob(queue: "a", tenant: "t2"), NewJob(queue: "b", tenant: "t2"));

        var counts = await Store.CountByQueueAsync("t1", Ct);

        var only = Assert.Single(counts);
        Assert.Equal(("a", 1L), (only.Queue, only[JobState.Available]));
    }
    /// <summary>
    /// Completed jobs are most of a store; a driver may count them apart from the table (PostgreSQL keeps deltas that
    /// its prune folds). Every way into the state (a completion, an insert answered from the result cache) and out of it
    /// (a retry, a discard, the prune) moves the count, before and after a fold.
    /// </summary>
    [Fact]
    public async Task CountByQueue_Completed_FollowsEveryWayInAndOutAcrossPrunes()
    {
        long Completed(IReadOnlyList<QueueCounts> counts, string queue) => counts.SingleOrDefault(c => c.Queue == queue)?[JobState.Completed] ?? 0;
        async Task<(long T1, long All)> CompletedInAAsync() =>
            (Completed(await Store.CountByQueueAsync("t1", Ct), "a"), Completed(await Store.CountByQueueAsync(null, Ct), "a"));
        async Task<Job> CompleteOneAsync(string tenant = "t1")
        {
            var job = await InsertAndLeaseAsync(NewJob(queue: "a", tenant: tenant));
            Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Succeeded(null)));
            return job;
        }

        Task<int> PruneBeforeAsync(DateTimeOffset cutoff) =>
            Store.PruneAsync(new PruneRequest(cutoff, new Dictionary<string, DateTimeOffset>(), 1000), Ct);

        var first = await CompleteOneAsync();
        var second = await CompleteOneAsync();
        await CompleteOneAsync(tenant: "t2");
        var cached = await InsertOneAsync(NewJob(queue: "a") with { CachedResult = "{\"answer\":42}" });
        Assert.Equal(JobState.Completed, cached.State);
        Assert.Equal((3L, 4L), await CompletedInAAsync());

        Assert.Equal(0, await PruneBeforeAsync(T0.AddDays(-1)));
        Assert.Equal((3L, 4L), await CompletedInAAsync());

        Assert.Equal(RetryStatus.Retried, (await Store.RetryAsync("t1", first.Id, T0, Ct)).Status);
        Assert.Equal(DiscardStatus.Discarded, (await Assert.IsAssignableFrom<IJobDiscardStore>(Store).DiscardAsync("t1", second.Id, Ct)).Status);
        Assert.Equal((1L, 2L), await CompletedInAAsync());

        Assert.Equal(0, await PruneBeforeAsync(T0.AddDays(-1)));
        var retried = Assert.Single(await LeaseAsync("a", 10));
        Assert.True(await CompleteAsync(retried.Lease, new JobOutcome.Succeeded(null), T0.AddSeconds(1)));
        Assert.Equal((2L, 3L), await CompletedInAAsync());

        Assert.Equal(3, await PruneBeforeAsync(T0.AddDays(1)));
        Assert.Equal((0L, 0L), await CompletedInAAsync());
        Assert.Empty(await Store.CountByQueueAsync(null, Ct));
    }
}
