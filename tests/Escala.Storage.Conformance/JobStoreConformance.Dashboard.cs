using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

// What the dashboard needs of a store: find a job by its idempotency key, discard finished jobs.
public abstract partial class JobStoreConformance
{
    private IJobDiscardStore Discards => Store;

    [Fact]
    public async Task List_ByIdempotencyKey_OnlyThatTenantsJob()
    {
        await InsertOneAsync(NewJob(key: "order-1"));
        var wanted = await InsertOneAsync(NewJob(key: "order-2"));
        await InsertOneAsync(NewJob(key: "order-2", tenant: "t2"));
        await InsertOneAsync(NewJob());

        var page = await Store.ListAsync(new JobQuery { Tenant = "t1", IdempotencyKey = "order-2" }, Ct);

        Assert.Equal([wanted.Id], page.Jobs.Select(job => job.Id));
        Assert.Null(page.NextCursor);
        Assert.Empty((await Store.ListAsync(new JobQuery { Tenant = "t1", IdempotencyKey = "order-3" }, Ct)).Jobs);
    }

    [Fact]
    public async Task List_ByIdempotencyKeyAndOtherState_Empty()
    {
        await InsertOneAsync(NewJob(key: "order-1"));

        var page = await Store.ListAsync(new JobQuery { Tenant = "t1", IdempotencyKey = "order-1", State = JobState.Dead }, Ct);

        Assert.Empty(page.Jobs);
    }

    [Fact]
    public async Task Discard_DeadJob_DeletedAndGone()
    {
        var job = await InsertAndLeaseAsync();
        await CompleteAsync(job.Lease, new JobOutcome.Failed(Error(1), RetryAt: null));

        var result = await Discards.DiscardAsync("t1", job.Id, Ct);

        Assert.Equal(DiscardStatus.Discarded, result.Status);
        Assert.Equal((job.Id, JobState.Dead), (result.Job!.Id, result.Job.State));
        Assert.Null(await Store.GetAsync("t1", job.Id, Ct));
        Assert.Empty((await Store.ListAsync(new JobQuery { Tenant = "t1", State = JobState.Dead }, Ct)).Jobs);
        Assert.Equal(DiscardStatus.NotFound, (await Discards.DiscardAsync("t1", job.Id, Ct)).Status);
    }

    [Fact]
    public async Task Discard_CompletedOrCancelled_Deleted()
    {
        var completed = await InsertAndLeaseAsync();
        await CompleteAsync(completed.Lease, new JobOutcome.Succeeded("1"));
        var cancelled = await InsertOneAsync(NewJob(runAt: T0.AddHours(1)));
        await Store.CancelAsync("t1", cancelled.Id, T0, Ct);

        Assert.Equal(DiscardStatus.Discarded, (await Discards.DiscardAsync("t1", completed.Id, Ct)).Status);
        Assert.Equal(DiscardStatus.Discarded, (await Discards.DiscardAsync("t1", cancelled.Id, Ct)).Status);
        Assert.Null(await Store.GetAsync("t1", completed.Id, Ct));
        Assert.Null(await Store.GetAsync("t1", cancelled.Id, Ct));
    }

    [Fact]
    public async Task Discard_WaitingOrRunning_NotFinalAndUnchanged()
    {
        var scheduled = await InsertOneAsync(NewJob(runAt: T0.AddHours(1)));
        var running = await InsertAndLeaseAsync();

        var waitingResult = await Discards.DiscardAsync("t1", scheduled.Id, Ct);
        var runningResult = await Discards.DiscardAsync("t1", running.Id, Ct);

        Assert.Equal((DiscardStatus.NotFinal, JobState.Scheduled), (waitingResult.Status, waitingResult.Job!.State));
        Assert.Equal((DiscardStatus.NotFinal, JobState.Running), (runningResult.Status, runningResult.Job!.State));
        Assert.Equal(JobState.Scheduled, (await GetAsync(scheduled.Id)).State);
        Assert.Equal(running.LeaseToken, (await GetAsync(running.Id)).LeaseToken);
    }

    [Fact]
    public async Task Discard_OtherTenantsJob_NotFoundAndKept()
    {
        var job = await InsertOneAsync(NewJob(tenant: "t2", runAt: T0.AddHours(1)));
        await Store.CancelAsync("t2", job.Id, T0, Ct);

        Assert.Equal(DiscardStatus.NotFound, (await Discards.DiscardAsync("t1", job.Id, Ct)).Status);
        Assert.NotNull(await Store.GetAsync("t2", job.Id, Ct));
    }

    [Fact]
    public async Task Insert_Traceparent_KeptThroughReadListAndLease()
    {
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var job = await InsertOneAsync(NewJob() with { Traceparent = traceparent });
        var plain = await InsertOneAsync(NewJob());

        Assert.Equal(traceparent, job.Traceparent);
        Assert.Equal(traceparent, (await GetAsync(job.Id)).Traceparent);
        Assert.Null((await GetAsync(plain.Id)).Traceparent);
        Assert.Contains((await Store.ListAsync(new JobQuery { Tenant = "t1" }, Ct)).Jobs, j => j.Id == job.Id && j.Traceparent == traceparent);
        var leased = await LeaseAsync();
        Assert.Equal(traceparent, leased.Single(j => j.Id == job.Id).Traceparent);
    }

    [Fact]
    public async Task Insert_ManyWithAndWithoutTraceparent_EachKeepsItsOwn()
    {
        var jobs = Enumerable.Range(0, 20)
            .Select(i => NewJob() with { Traceparent = i % 3 == 0 ? null : $"00-{i:x32}-{i + 1:x16}-01" })
            .ToArray();

        var stored = await InsertAsync(jobs);

        for (var i = 0; i < jobs.Length; i++)
        {
            Assert.Equal(jobs[i].Traceparent, (await GetAsync(stored[i].Id)).Traceparent);
        }
    }
}
