using Escala.Jobs;
using Escala.Workflows;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Complete_Succeeded_CompletedWithResultAndNoLease()
    {
        var job = await InsertAndLeaseAsync();

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Succeeded("{\"ok\":true}"), T0.AddSeconds(3)));

        var stored = await GetAsync(job.Id);
        Assert.Equal(JobState.Completed, stored.State);
        Assert.Equal("{\"ok\":true}", stored.Result);
        Assert.Equal(T0.AddSeconds(3), stored.FinishedAt);
        AssertNoLease(stored);
    }

    [Fact]
    public async Task Complete_ManyInOneCall_EachAsIfCompletedAlone()
    {
        // One call with every kind of completion the store may group: plain successes (small, unicode and large
        // results), a lost lease, a failure, the same job under a stale lease then its own lease twice, and two steps of
        // one workflow that join.
        var jobs = new List<Job>();
        foreach (var _ in Enumerable.Range(0, 6))
        {
            jobs.Add(await InsertAndLeaseAsync());
        }

        var workflow = await CreateWorkflowAsync(WorkflowFailurePolicy.FailWorkflow, ("a", []), ("b", ["a"]), ("c", ["a"]), ("d", ["b", "c"]));
        await CompleteAsync((await LeaseStepAsync("a")).Lease, new JobOutcome.Succeeded("1"));
        var (b, c) = (await LeaseStepAsync("b"), await LeaseStepAsync("c"));
        var large = "{\"text\":\"" + new string('x', 10_000) + "\"}";
        const string Unicode = "{\"text\":\"é <b> \\\" \\n ✓\"}";
        var lost = new LeaseRef(jobs[2].Id, "not-the-token");

        var applied = await Store.CompleteAsync(
            [
                new Completion(jobs[0].Lease, new JobOutcome.Succeeded(null)),
                new Completion(jobs[1].Lease, new JobOutcome.Succeeded(Unicode)),
                new Completion(lost, new JobOutcome.Succeeded("\"forged\"")),
                new Completion(jobs[3].Lease, new JobOutcome.Failed(Error(1), T0.AddSeconds(10))),
                new Completion(jobs[4].Lease, new JobOutcome.Succeeded(large)),
                new Completion(b.Lease, new JobOutcome.Succeeded("\"b\"")),
                new Completion(jobs[5].Lease with { Token = "stale" }, new JobOutcome.Succeeded("\"stale\"")),
                new Completion(jobs[5].Lease, new JobOutcome.Succeeded("2")),
                new Completion(jobs[5].Lease, new JobOutcome.Succeeded("3")),
                new Completion(c.Lease, new JobOutcome.Succeeded("\"c\"")),
            ],
            T0.AddSeconds(3),
            Ct);

        Assert.Equal([true, true, false, true, true, true, false, true, false, true], applied);
        var first = await GetAsync(jobs[0].Id);
        Assert.Equal((JobState.Completed, (string?)null, (DateTimeOffset?)T0.AddSeconds(3)), (first.State, first.Result, first.FinishedAt));
        Assert.Equal(Unicode, (await GetAsync(jobs[1].Id)).Result);
        var stillRunning = await GetAsync(jobs[2].Id);
        Assert.Equal((JobState.Running, (string?)null), (stillRunning.State, stillRunning.Result));
        Assert.Equal(JobState.Retryable, (await GetAsync(jobs[3].Id)).State);
        Assert.Equal(large, (await GetAsync(jobs[4].Id)).Result);
        Assert.Equal("2", (await GetAsync(jobs[5].Id)).Result);
        foreach (var job in jobs.Where(job => job.Id != jobs[2].Id))
        {
            AssertNoLease(await GetAsync(job.Id));
        }

        var steps = await StepsAsync(workflow.Id);
        Assert.Equal((JobState.Completed, JobState.Completed, JobState.Available), (steps["b"].Job.State, steps["c"].Job.State, steps["d"].Job.State));
        Assert.Equal("d", Assert.Single(await LeaseAsync("wf", 10)).Step);
    }

    [Fact]
    public async Task Complete_FailedWithRetryAt_RetryableWithErrorAppended()
    {
        var job = await InsertAndLeaseAsync();
        var error = new AttemptError(1, T0, "timeout after 30s", FailureKinds.Timeout);

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Failed(error, T0.AddSeconds(10))));

        var stored = await GetAsync(job.Id);
        Assert.Equal(JobState.Retryable, stored.State);
        Assert.Equal(T0.AddSeconds(10), stored.RunAt);
        Assert.Null(stored.FinishedAt);
        Assert.Equal([error], stored.Errors);
        AssertNoLease(stored);
    }

    [Fact]
    public async Task Complete_FailedWithoutRetryAt_DeadAndErrorsAccumulate()
    {
        var job = await InsertAndLeaseAsync();
        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Failed(Error(1, "first"), T0)));
        await Store.PromoteDueAsync(T0, 10, Ct);
        var again = Assert.Single(await LeaseAsync());

        Assert.True(await CompleteAsync(again.Lease, new JobOutcome.Failed(Error(2, "second"), null), T0.AddSeconds(1)));

        var stored = await GetAsync(job.Id);
        Assert.Equal(JobState.Dead, stored.State);
        Assert.Equal(T0.AddSeconds(1), stored.FinishedAt);
        Assert.Equal(["first", "second"], stored.Errors.Select(error => error.Message));
        AssertNoLease(stored);
    }

    [Fact]
    public async Task Complete_Cancelled_CancelledAndFinished()
    {
        var job = await InsertAndLeaseAsync();

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Cancelled("user asked")));

        var stored = await GetAsync(job.Id);
        Assert.Equal(JobState.Cancelled, stored.State);
        Assert.Equal(T0, stored.FinishedAt);
        AssertNoLease(stored);
    }

    [Fact]
    public async Task Complete_ReleasedNow_AvailableAndAttemptGivenBack()
    {
        var job = await InsertAndLeaseAsync();

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Released(T0, "shutdown")));

        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Available, 0), (stored.State, stored.Attempt));
        AssertNoLease(stored);
        Assert.Equal(1, Assert.Single(await LeaseAsync()).Attempt);
    }

    [Fact]
    public async Task Complete_ReleasedToFuture_Scheduled()
    {
        var job = await InsertAndLeaseAsync();

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Released(T0.AddMinutes(1), "429 retry-after")));

        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Scheduled, 0), (stored.State, stored.Attempt));
        Assert.Equal(T0.AddMinutes(1), stored.RunAt);
        Assert.Empty(await LeaseAsync());
    }

    [Fact]
    public async Task Complete_ReleasedWhileCancelRequested_BecomesCancelled()
    {
        var job = await InsertAndLeaseAsync();
        Assert.Equal(CancelStatus.Requested, (await Store.CancelAsync("t1", job.Id, T0, Ct)).Status);

        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Released(T0, "shutdown")));

        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Cancelled, false), (stored.State, stored.CancelRequested));
        Assert.NotNull(stored.FinishedAt);
        AssertNoLease(stored);
        Assert.Empty(await LeaseAsync());
    }

    [Fact]
    public async Task Complete_StaleToken_FalseAndNothingChanges()
    {
        var job = await InsertAndLeaseAsync();

        Assert.False(await CompleteAsync(new LeaseRef(job.Id, "stale"), new JobOutcome.Succeeded("{}")));

        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Running, job.LeaseToken, (string?)null), (stored.State, stored.LeaseToken, stored.Result));
    }

    [Fact]
    public async Task Complete_AlreadyCompleted_SecondCompletionFalse()
    {
        var job = await InsertAndLeaseAsync();
        Assert.True(await CompleteAsync(job.Lease, new JobOutcome.Succeeded("\"first\"")));

        Assert.False(await CompleteAsync(job.Lease, new JobOutcome.Failed(Error(1), null)));

        var stored = await GetAsync(job.Id);
        Assert.Equal((JobState.Completed, "\"first\""), (stored.State, stored.Result));
        Assert.Empty(stored.Errors);
    }

    [Fact]
    public async Task Complete_MixedBatch_AlignedResults()
    {
        var a = await InsertAndLeaseAsync();
        var b = await InsertAndLeaseAsync();
        var c = await InsertAndLeaseAsync();

        var results = await Store.CompleteAsync(
            [
                new Completion(a.Lease, new JobOutcome.Succeeded(null)),
                new Completion(new LeaseRef(b.Id, "foreign"), new JobOutcome.Succeeded(null)),
                new Completion(c.Lease, new JobOutcome.Failed(Error(1), null)),
                new Completion(new LeaseRef(424_242, "x"), new JobOutcome.Succeeded(null)),
            ],
            T0,
            Ct);

        Assert.Equal([true, false, true, false], results);
        Assert.Equal(JobState.Completed, (await GetAsync(a.Id)).State);
        Assert.Equal(JobState.Running, (await GetAsync(b.Id)).State);
        Assert.Equal(JobState.Dead, (await GetAsync(c.Id)).State);
    }

    private static void AssertNoLease(Job job)
    {
        Assert.Null(job.LeaseToken);
        Assert.Null(job.LeasedBy);
        Assert.Null(job.LeaseExpiresAt);
    }
}
