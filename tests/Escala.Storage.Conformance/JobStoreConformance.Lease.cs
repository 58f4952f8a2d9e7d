using System.Collections.Concurrent;
using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Lease_Order_PriorityThenRunAtThenId()
    {
        var low = await InsertOneAsync(NewJob(priority: 0, runAt: T0.AddSeconds(-30)));
        var highLate = await InsertOneAsync(NewJob(priority: 5, runAt: T0.AddSeconds(-10)));
        var highEarly = await InsertOneAsync(NewJob(priority: 5, runAt: T0.AddSeconds(-20)));
        var highLateTwin = await InsertOneAsync(NewJob(priority: 5, runAt: T0.AddSeconds(-10)));

        var first = await LeaseAsync(max: 1);
        var rest = await LeaseAsync(max: 2);
        var last = await LeaseAsync(max: 10);

        Assert.Equal([highEarly.Id], first.Select(job => job.Id));
        Assert.Equal([highLate.Id, highLateTwin.Id], rest.Select(job => job.Id));
        Assert.Equal([low.Id], last.Select(job => job.Id));
    }

    [Fact]
    public async Task Lease_Max_LeasesNoMore()
    {
        await InsertAsync(Enumerable.Range(0, 5).Select(_ => NewJob()).ToArray());

        Assert.Equal(2, (await LeaseAsync(max: 2)).Count);
        Assert.Equal(3, (await LeaseAsync(max: 10)).Count);
        Assert.Empty(await LeaseAsync(max: 10));
    }

    [Fact]
    public async Task Lease_Job_BecomesRunningWithFreshLease()
    {
        var job = await InsertOneAsync(NewJob());

        var leased = Assert.Single(await LeaseAsync(holder: "worker-7"));

        Assert.Equal(job.Id, leased.Id);
        Assert.Equal(JobState.Running, leased.State);
        Assert.Equal(1, leased.Attempt);
        Assert.Equal(T0, leased.AttemptedAt);
        Assert.Equal(T0 + LeaseFor, leased.LeaseExpiresAt);
        Assert.Equal("worker-7", leased.LeasedBy);
        Assert.False(string.IsNullOrEmpty(leased.LeaseToken));
        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Running, leased.LeaseToken, 1), (stored.State, stored.LeaseToken, stored.Attempt));
    }

    [Fact]
    public async Task Lease_SecondAttempt_AttemptGrowsAndTokenChanges()
    {
        var first = await InsertAndLeaseAsync();
        Assert.True(await CompleteAsync(first.Lease, new JobOutcome.Failed(Error(1), T0)));
        Assert.Equal(1, await Store.PromoteDueAsync(T0, 10, Ct));

        var second = Assert.Single(await LeaseAsync());

        Assert.Equal(2, second.Attempt);
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
    }

    [Fact]
    public async Task Lease_OtherQueue_NotLeased()
    {
        await InsertOneAsync(NewJob(queue: "other"));

        Assert.Empty(await LeaseAsync(queue: "default"));
        Assert.Single(await LeaseAsync(queue: "other"));
    }

    [Fact]
    public async Task Lease_PausedQueue_LeasesNothingUntilResumed()
    {
        await InsertOneAsync(NewJob());
        await Store.SetQueuePausedAsync("default", true, Ct);

        Assert.Empty(await LeaseAsync());
        Assert.Contains("default", await Store.GetPausedQueuesAsync(Ct));

        await Store.SetQueuePausedAsync("default", false, Ct);
        Assert.Empty(await Store.GetPausedQueuesAsync(Ct));
        Assert.Single(await LeaseAsync());
    }

    [Fact]
    public async Task Lease_ConcurrentCallers_NeverGetTheSameJob()
    {
        const int Jobs = 500;
        await InsertAsync(Enumerable.Range(0, Jobs).Select(_ => NewJob()).ToArray());
        var leased = new ConcurrentBag<long>();

        var loops = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                var batch = await LeaseAsync(max: 7, holder: $"node-{worker}");
                if (batch.Count == 0)
                {
                    return;
                }

                foreach (var job in batch)
                {
                    leased.Add(job.Id);
                }
            }
        }));
        await Task.WhenAll(loops);

        Assert.Equal(Jobs, leased.Count);
        Assert.Equal(Jobs, leased.Distinct().Count());
    }

    [Fact]
    public async Task Lease_ReleasedJob_WakesSubscriber()
    {
        var job = await InsertAndLeaseAsync(NewJob(queue: "mail"));
        var woken = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = Store.SubscribeAvailable(queue => woken.TrySetResult(queue));

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Released(T0, "shutdown")));

        Assert.Equal("mail", await woken.Task.WaitAsync(TimeSpan.FromSeconds(5)));
    }
}
