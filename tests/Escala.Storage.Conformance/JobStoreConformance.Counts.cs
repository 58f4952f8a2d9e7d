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
    public async Task CountByQueue_OneTenant_OnlyItsJobs()
    {
        await InsertAsync(NewJob(queue: "a", tenant: "t1"), NewJob(queue: "a", tenant: "t2"), NewJob(queue: "b", tenant: "t2"));

        var counts = await Store.CountByQueueAsync("t1", Ct);

        var only = Assert.Single(counts);
        Assert.Equal(("a", 1L), (only.Queue, only[JobState.Available]));
    }
}
