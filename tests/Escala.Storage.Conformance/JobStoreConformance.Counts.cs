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
}
