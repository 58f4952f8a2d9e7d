using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

/// <summary>The callbacks' outbox: a job's row is written with it and due once it is final; attempts are recorded.</summary>
public abstract partial class JobStoreConformance
{
    private ICallbackStore Callbacks => Assert.IsAssignableFrom<ICallbackStore>(Store);

    [Fact]
    public async Task Callbacks_JobWithCallback_RowWrittenWithIt_DueOnlyOnceFinal_WithTheJob()
    {
        var job = (await UniqueStore.InsertUniqueAsync([NewJob() with { CallbackUrl = "https://example.com/hook" }], T0, Ct)).Results![0].Job;
        var row = Assert.Single(await Callbacks.CallbacksOfJobAsync("t1", job.Id, Ct));
        Assert.Equal("https://example.com/hook", row.Url);
        Assert.Empty(await Callbacks.CallbacksOfJobAsync("t2", job.Id, Ct));
        Assert.Empty(await Callbacks.DueCallbacksAsync(T0 + TimeSpan.FromMinutes(1), 10, Ct));

        var leased = Assert.Single(await LeaseAsync());
        Assert.True(await CompleteAsync(leased.Lease, new JobOutcome.Succeeded("{\"ok\":true}"), T0 + TimeSpan.FromSeconds(1)));

        var due = Assert.Single(await Callbacks.DueCallbacksAsync(T0 + TimeSpan.FromSeconds(1), 10, Ct));
        Assert.Equal(row.Id, due.Id);
        Assert.Null(due.Payload);
        Assert.Equal(JobState.Completed, due.Job!.State);
        Assert.Equal("{\"ok\":true}", due.Job.Result);
        Assert.False(due.JobGone);
    }

    [Fact]
    public async Task Callbacks_RecordedAttempts_RetryLater_ThenDeliveredIsNeverDueAgain()
    {
        var id = await Callbacks.AddCallbackAsync("t1", "https://example.com/hook", "{\"event\":\"x\"}", T0, Ct);
        var due = Assert.Single(await Callbacks.DueCallbacksAsync(T0, 10, Ct));
        Assert.Equal("{\"event\":\"x\"}", due.Payload);

        await Callbacks.RecordCallbackAsync(new CallbackAttempt(id, 1, null, null, null, T0 + TimeSpan.FromSeconds(2), "HTTP 503"), Ct);

        Assert.Empty(await Callbacks.DueCallbacksAsync(T0 + TimeSpan.FromSeconds(1), 10, Ct));
        var again = Assert.Single(await Callbacks.DueCallbacksAsync(T0 + TimeSpan.FromSeconds(2), 10, Ct));
        Assert.Equal((1, "{\"event\":\"x\"}"), (again.Attempts, again.Payload));

        await Callbacks.RecordCallbackAsync(new CallbackAttempt(id, 2, null, T0 + TimeSpan.FromSeconds(2), null, null, null), Ct);

        Assert.Empty(await Callbacks.DueCallbacksAsync(T0 + TimeSpan.FromHours(1), 10, Ct));
    }

    [Fact]
    public async Task Callbacks_JobDeletedBeforeDelivery_DueAsGone()
    {
        var job = (await UniqueStore.InsertUniqueAsync([NewJob() with { CallbackUrl = "https://example.com/hook" }], T0, Ct)).Results![0].Job;
        var leased = Assert.Single(await LeaseAsync());
        Assert.True(await CompleteAsync(leased.Lease, new JobOutcome.Succeeded(null), T0));
        Assert.Equal(DiscardStatus.Discarded, (await Store.DiscardAsync("t1", job.Id, Ct)).Status);

        var due = Assert.Single(await Callbacks.DueCallbacksAsync(T0, 10, Ct));

        Assert.True(due.JobGone);
        Assert.Null(due.Job);
    }
}
