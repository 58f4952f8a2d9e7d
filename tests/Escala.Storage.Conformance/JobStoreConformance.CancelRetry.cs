using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Cancel_AvailableOrScheduled_CancelledAtOnce()
    {
        var available = await InsertOneAsync(NewJob());
        var scheduled = await InsertOneAsync(NewJob(runAt: T0.AddHours(1)));

        foreach (var job in new[] { available, scheduled })
        {
            var result = await Store.CancelAsync("t1", job.Id, T0.AddSeconds(1), Ct);
            Assert.Equal(CancelStatus.Cancelled, result.Status);
            Assert.Equal(JobState.Cancelled, result.Job!.State);
            Assert.Equal(T0.AddSeconds(1), (await GetAsync(job.Id)).FinishedAt);
        }

        Assert.Empty(await LeaseAsync());
    }

    [Fact]
    public async Task Cancel_Retryable_Cancelled()
    {
        var job = await InsertAndLeaseAsync();
        await CompleteAsync(job.Lease, new JobOutcome.Failed(Error(1), T0.AddMinutes(1)));

        Assert.Equal(CancelStatus.Cancelled, (await Store.CancelAsync("t1", job.Id, T0, Ct)).Status);
        Assert.Equal(JobState.Cancelled, (await GetAsync(job.Id)).State);
    }

    [Fact]
    public async Task Cancel_Running_FlagsCancelRequestedAndStaysRunning()
    {
        var job = await InsertAndLeaseAsync();

        var result = await Store.CancelAsync("t1", job.Id, T0, Ct);

        Assert.Equal(CancelStatus.Requested, result.Status);
        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Running, true, job.LeaseToken), (stored.State, stored.CancelRequested, stored.LeaseToken));
    }

    [Fact]
    public async Task Cancel_Final_AlreadyFinalAndUnchanged()
    {
        var job = await InsertAndLeaseAsync();
        await CompleteAsync(job.Lease, new JobOutcome.Succeeded("1"));

        var result = await Store.CancelAsync("t1", job.Id, T0.AddHours(1), Ct);

        Assert.Equal(CancelStatus.AlreadyFinal, result.Status);
        Assert.Equal(JobState.Completed, result.Job!.State);
        Assert.Equal(T0, (await GetAsync(job.Id)).FinishedAt);
    }

    [Fact]
    public async Task Cancel_OtherTenantOrUnknown_NotFoundAndUnchanged()
    {
        var job = await InsertOneAsync(NewJob(tenant: "t1"));

        Assert.Equal(CancelStatus.NotFound, (await Store.CancelAsync("t2", job.Id, T0, Ct)).Status);
        Assert.Equal(CancelStatus.NotFound, (await Store.CancelAsync("t1", 999_999, T0, Ct)).Status);
        Assert.Equal(JobState.Available, (await GetAsync(job.Id)).State);
    }

    [Fact]
    public async Task Retry_Dead_AvailableWithOneMoreAttempt()
    {
        var job = await InsertAndLeaseAsync(NewJob(maxAttempts: 1));
        await CompleteAsync(job.Lease, new JobOutcome.Failed(Error(1), null));

        var result = await Store.RetryAsync("t1", job.Id, T0.AddMinutes(1), Ct);

        Assert.Equal(RetryStatus.Retried, result.Status);
        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Available, 2, T0.AddMinutes(1)), (stored.State, stored.MaxAttempts, stored.RunAt));
        Assert.Null(stored.FinishedAt);
        Assert.Equal(2, Assert.Single(await LeaseAsync(now: T0.AddMinutes(1))).Attempt);
    }

    [Fact]
    public async Task Retry_AttemptsLeft_KeepsMaxAttempts()
    {
        var job = await InsertAndLeaseAsync(NewJob(maxAttempts: 5));
        await CompleteAsync(job.Lease, new JobOutcome.Cancelled("oops"));

        Assert.Equal(RetryStatus.Retried, (await Store.RetryAsync("t1", job.Id, T0, Ct)).Status);
        Assert.Equal(5, (await GetAsync(job.Id)).MaxAttempts);
    }

    [Fact]
    public async Task Retry_ScheduledOrCompleted_AvailableNow()
    {
        var scheduled = await InsertOneAsync(NewJob(runAt: T0.AddHours(1)));
        var completed = await InsertAndLeaseAsync();
        await CompleteAsync(completed.Lease, new JobOutcome.Succeeded(null));

        foreach (var job in new[] { scheduled, completed })
        {
            Assert.Equal(RetryStatus.Retried, (await Store.RetryAsync("t1", job.Id, T0, Ct)).Status);
            Assert.Equal(JobState.Available, (await GetAsync(job.Id)).State);
        }
    }

    [Fact]
    public async Task Retry_RunningOrAvailable_NotRetryableAndUnchanged()
    {
        var running = await InsertAndLeaseAsync();
        var available = await InsertOneAsync(NewJob());

        var first = await Store.RetryAsync("t1", running.Id, T0, Ct);
        var second = await Store.RetryAsync("t1", available.Id, T0, Ct);

        Assert.Equal((RetryStatus.NotRetryable, JobState.Running), (first.Status, first.Job!.State));
        Assert.Equal((RetryStatus.NotRetryable, JobState.Available), (second.Status, second.Job!.State));
        Assert.Equal(running.LeaseToken, (await GetAsync(running.Id)).LeaseToken);
    }

    [Fact]
    public async Task Retry_OtherTenant_NotFound()
    {
        var job = await InsertAndLeaseAsync();
        await CompleteAsync(job.Lease, new JobOutcome.Failed(Error(1), null));

        Assert.Equal(RetryStatus.NotFound, (await Store.RetryAsync("t2", job.Id, T0, Ct)).Status);
        Assert.Equal(JobState.Dead, (await GetAsync(job.Id)).State);
    }
}
