using Escala.Jobs;
using Escala.Watching;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Escala.Storage.Conformance;

// IJobStatusStore: what watchers read (never args or results), and the JobWatcher over it.
public abstract partial class JobStoreConformance
{
    private IJobStatusStore Statuses => Assert.IsAssignableFrom<IJobStatusStore>(Store);

    [Fact]
    public async Task GetStatus_RunningJobWithProgress_StateAttemptProgressCancelFlag()
    {
        var job = await InsertAndLeaseAsync();
        Assert.True(await Store.SetProgressAsync(job.Lease, "{\"percent\":40}", Ct));
        await Store.CancelAsync("t1", job.Id, T0, Ct);

        var status = await Statuses.GetStatusAsync("t1", job.Id, Ct);

        Assert.Equal(new JobStatus(job.Id, JobState.Running, 1, "{\"percent\":40}", true, T0), status);
    }

    [Fact]
    public async Task GetStatus_AnotherTenantsJob_Null()
    {
        var job = await InsertOneAsync(NewJob(tenant: "t2"));

        Assert.Null(await Statuses.GetStatusAsync("t1", job.Id, Ct));
        Assert.NotNull(await Statuses.GetStatusAsync("t2", job.Id, Ct));
    }

    [Fact]
    public async Task GetStatuses_SomeIdsMissing_ReturnsTheOthers()
    {
        var a = await InsertOneAsync(NewJob(queue: "waiting"));
        var b = await InsertAndLeaseAsync();
        Assert.True(await CompleteAsync(b.Lease, new JobOutcome.Succeeded("1"), T0.AddSeconds(3)));

        var statuses = (await Statuses.GetStatusesAsync([a.Id, b.Id, 999_999], Ct)).ToDictionary(s => s.Id);

        Assert.Equal(2, statuses.Count);
        Assert.Equal(JobState.Available, statuses[a.Id].State);
        Assert.Equal(JobState.Completed, statuses[b.Id].State);
        Assert.Equal(T0.AddSeconds(3), statuses[b.Id].UpdatedAt);
    }

    [Fact]
    public async Task JobWatcher_ManyJobsWatchedHereFinishedOnAnotherNode_AllWakeAndNoEntryIsLeft()
    {
        const int count = 10_000;
        var jobs = new List<Job>(count);
        foreach (var chunk in Enumerable.Range(0, count).Chunk(1000))
        {
            jobs.AddRange(await InsertAsync([.. chunk.Select(_ => NewJob())]));
        }

        var other = await OpenAnotherNodeAsync();
        await using var watcher = new JobWatcher(Statuses, TimeProvider.System, NullLogger<JobWatcher>.Instance);
        var waits = jobs.Select(j => watcher.WaitForFinalAsync("t1", j.Id, TimeSpan.FromMinutes(2), Ct)).ToList();
        await Eventually(() => watcher.Count == count, "every job watched");

        // The other node leases and completes them; nothing tells this node's watcher but the store.
        var leased = 0;
        while (leased < count)
        {
            var batch = await other.LeaseAsync(new LeaseRequest { Queue = "default", Holder = "node-b", Max = 1000, Now = T0, LeaseFor = LeaseFor }, Ct);
            Assert.NotEmpty(batch);
            leased += batch.Count;
            await other.CompleteAsync([.. batch.Select(j => new Completion(j.Lease, new JobOutcome.Succeeded(null)))], T0, Ct);
        }

        var finals = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.All(finals, s => Assert.Equal(JobState.Completed, s?.State));
        Assert.Equal(0, watcher.Count);
    }

    /// <summary>Polls <paramref name="condition"/> every 20 ms for up to 60 s.</summary>
    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}.");
            }

            await Task.Delay(20);
        }
    }
}
