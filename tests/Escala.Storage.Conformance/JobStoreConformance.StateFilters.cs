using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    /// <summary>Two jobs of t1 in every state, plus two of another tenant in the way of the lists.</summary>
    private async Task<Dictionary<JobState, List<long>>> JobsInEveryStateAsync()
    {
        var byState = new Dictionary<JobState, List<long>>();
        void Add(JobState state, long id) => (byState.TryGetValue(state, out var ids) ? ids : byState[state] = []).Add(id);

        for (var i = 0; i < 2; i++)
        {
            Add(JobState.Scheduled, (await InsertOneAsync(NewJob(queue: "a", runAt: T0.AddHours(1)))).Id);
            Add(JobState.Available, (await InsertOneAsync(NewJob(queue: "c"))).Id); // a queue nothing here leases
            Add(JobState.Running, (await InsertAndLeaseAsync(NewJob(queue: "a"))).Id);

            var retryable = await InsertAndLeaseAsync(NewJob(queue: "a"));
            Assert.True(await CompleteAsync(retryable.Lease, new JobOutcome.Failed(Error(1), T0.AddMinutes(5))));
            Add(JobState.Retryable, retryable.Id);

            var completed = await InsertAndLeaseAsync(NewJob(queue: "b"));
            Assert.True(await CompleteAsync(completed.Lease, new JobOutcome.Succeeded(null)));
            Add(JobState.Completed, completed.Id);

            var dead = await InsertAndLeaseAsync(NewJob(queue: "a"));
            Assert.True(await CompleteAsync(dead.Lease, new JobOutcome.Failed(Error(1), null)));
            Add(JobState.Dead, dead.Id);

            var cancelled = await InsertOneAsync(NewJob(queue: "b", runAt: T0.AddHours(1)));
            Assert.Equal(CancelStatus.Cancelled, (await Store.CancelAsync("t1", cancelled.Id, T0, Ct)).Status);
            Add(JobState.Cancelled, cancelled.Id);
        }

        await InsertAsync(NewJob(queue: "a", tenant: "t2"), NewJob(queue: "a", tenant: "t2", runAt: T0.AddHours(1)));
        return byState;
    }

    [Fact]
    public async Task List_ByEachState_ThatStatesJobsNewestFirst_PagedWithTheCursor()
    {
        var byState = await JobsInEveryStateAsync();

        foreach (var state in JobStates.All)
        {
            var expected = byState[state].OrderDescending().ToList();
            var first = await Store.ListAsync(new JobQuery { Tenant = "t1", State = state, Limit = 1 }, Ct);
            var second = await Store.ListAsync(new JobQuery { Tenant = "t1", State = state, Limit = 1, Before = first.NextCursor }, Ct);
            var inQueue = await Store.ListAsync(new JobQuery { Tenant = "t1", State = state, Queue = "a" }, Ct);

            Assert.Equal(expected, first.Jobs.Concat(second.Jobs).Select(job => job.Id));
            Assert.All(first.Jobs.Concat(second.Jobs), job => Assert.Equal(state, job.State));
            Assert.Null(second.NextCursor);
            Assert.All(inQueue.Jobs, job => Assert.Equal(("a", state), (job.Queue, job.State)));
        }
    }

    [Fact]
    public async Task Counts_FollowEveryTransitionAndPrune()
    {
        var byState = await JobsInEveryStateAsync();
        Assert.Equal(RetryStatus.Retried, (await Store.RetryAsync("t1", byState[JobState.Dead][0], T0, Ct)).Status);
        Assert.Equal(1, await Store.PruneAsync(new PruneRequest(T0.AddDays(30), new Dictionary<string, DateTimeOffset> { ["a"] = T0.AddDays(30), ["b"] = T0.AddDays(30) }, 1), Ct));

        var counts = (await Store.CountByQueueAsync("t1", Ct)).ToDictionary(c => c.Queue);
        var listed = new Dictionary<(string, JobState), long>();
        foreach (var state in JobStates.All)
        {
            foreach (var job in (await Store.ListAsync(new JobQuery { Tenant = "t1", State = state, Limit = 100 }, Ct)).Jobs)
            {
                listed[(job.Queue, state)] = listed.GetValueOrDefault((job.Queue, state)) + 1;
            }
        }

        Assert.Equal(["a", "b", "c"], counts.Keys.Order());
        foreach (var queue in counts.Keys)
        {
            Assert.All(JobStates.All, state => Assert.Equal(listed.GetValueOrDefault((queue, state)), counts[queue][state]));
        }

        // Every tenant's counts add t2's available job in queue a.
        Assert.Equal(1, (await Store.CountByQueueAsync(null, Ct)).Single(c => c.Queue == "a")[JobState.Available] - counts["a"][JobState.Available]);
    }
}
