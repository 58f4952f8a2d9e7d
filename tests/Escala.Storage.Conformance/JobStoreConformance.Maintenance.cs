using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task ExpiredLeases_OnlyRunningPastExpiry_OldestFirst()
    {
        var early = await InsertAndLeaseAsync();
        var heartbeating = await InsertAndLeaseAsync();
        var late = await InsertOneAsync(NewJob());
        var lateLeased = Assert.Single(await LeaseAsync(now: T0.AddSeconds(10)));
        await Store.HeartbeatAsync([heartbeating.Lease], T0.AddMinutes(10), Ct);

        var expired = await Store.GetExpiredLeasesAsync(T0.AddMinutes(1), 10, Ct);

        Assert.Equal(late.Id, lateLeased.Id);
        Assert.Equal([early.Id, late.Id], expired.Select(job => job.Id));
        Assert.Single(await Store.GetExpiredLeasesAsync(T0.AddMinutes(1), 1, Ct));
        Assert.Empty(await Store.GetExpiredLeasesAsync(T0.AddSeconds(30), 10, Ct));
    }

    [Fact]
    public async Task PromoteDue_DueScheduledAndRetryable_BecomeAvailable()
    {
        var due = await InsertOneAsync(NewJob(runAt: T0.AddMinutes(1)));
        var notDue = await InsertOneAsync(NewJob(runAt: T0.AddMinutes(10)));
        var retry = await InsertAndLeaseAsync();
        await CompleteAsync(retry.Lease, new JobOutcome.Failed(Error(1), T0.AddMinutes(2)));

        var promoted = await Store.PromoteDueAsync(T0.AddMinutes(5), 100, Ct);

        Assert.Equal(2, promoted);
        Assert.Equal(JobState.Available, (await GetAsync(due.Id)).State);
        Assert.Equal(JobState.Available, (await GetAsync(retry.Id)).State);
        Assert.Equal(JobState.Scheduled, (await GetAsync(notDue.Id)).State);
    }

    [Fact]
    public async Task PromoteDue_Limit_PromotesNoMore()
    {
        await InsertAsync(Enumerable.Range(0, 5).Select(i => NewJob(runAt: T0.AddSeconds(i + 1))).ToArray());

        Assert.Equal(3, await Store.PromoteDueAsync(T0.AddMinutes(1), 3, Ct));
        Assert.Equal(2, await Store.PromoteDueAsync(T0.AddMinutes(1), 3, Ct));
        Assert.Equal(0, await Store.PromoteDueAsync(T0.AddMinutes(1), 3, Ct));
    }

    [Fact]
    public async Task PromoteDue_WakesSubscriberForQueue()
    {
        await InsertOneAsync(NewJob(queue: "reports", runAt: T0.AddMinutes(1)));
        var woken = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Store.SubscribeAvailable(queue => woken.TrySetResult(queue));

        await Store.PromoteDueAsync(T0.AddMinutes(1), 10, Ct);

        Assert.Equal("reports", await woken.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Prune_FinalJobsBeforeCutoff_DeletedOthersKept()
    {
        var old = await FinishAsync(NewJob(queue: "a"), T0);
        var recent = await FinishAsync(NewJob(queue: "a"), T0.AddHours(2));
        var running = await InsertAndLeaseAsync(NewJob(queue: "a"));
        var waiting = await InsertOneAsync(NewJob(queue: "a"));

        var pruned = await Store.PruneAsync(new PruneRequest(T0.AddHours(1), new Dictionary<string, DateTimeOffset>(), 100), Ct);

        Assert.Equal(1, pruned);
        Assert.Null(await Store.GetAsync("t1", old.Id, Ct));
        Assert.NotNull(await Store.GetAsync("t1", recent.Id, Ct));
        Assert.NotNull(await Store.GetAsync("t1", running.Id, Ct));
        Assert.NotNull(await Store.GetAsync("t1", waiting.Id, Ct));
    }

    [Fact]
    public async Task Prune_QueueCutoff_OverridesDefault()
    {
        var keptLonger = await FinishAsync(NewJob(queue: "audit"), T0);
        var prunedSooner = await FinishAsync(NewJob(queue: "chatty"), T0.AddHours(2));
        var byDefault = await FinishAsync(NewJob(queue: "other"), T0);
        var cutoffs = new Dictionary<string, DateTimeOffset> { ["audit"] = T0.AddHours(-1), ["chatty"] = T0.AddHours(3) };

        var pruned = await Store.PruneAsync(new PruneRequest(T0.AddHours(1), cutoffs, 100), Ct);

        Assert.Equal(2, pruned);
        Assert.NotNull(await Store.GetAsync("t1", keptLonger.Id, Ct));
        Assert.Null(await Store.GetAsync("t1", prunedSooner.Id, Ct));
        Assert.Null(await Store.GetAsync("t1", byDefault.Id, Ct));
    }

    [Fact]
    public async Task Prune_Limit_DeletesNoMore()
    {
        for (var i = 0; i < 3; i++)
        {
            await FinishAsync(NewJob(), T0);
        }

        var request = new PruneRequest(T0.AddHours(1), new Dictionary<string, DateTimeOffset>(), 2);

        Assert.Equal(2, await Store.PruneAsync(request, Ct));
        Assert.Equal(1, await Store.PruneAsync(request, Ct));
    }

    /// <summary>Inserts, leases and completes a job, finishing it at <paramref name="finishedAt"/>.</summary>
    private async Task<Job> FinishAsync(NewJob job, DateTimeOffset finishedAt)
    {
        var leased = await InsertAndLeaseAsync(job);
        Assert.True(await CompleteAsync(leased.Lease, new JobOutcome.Succeeded(null), finishedAt));
        return leased;
    }
}
