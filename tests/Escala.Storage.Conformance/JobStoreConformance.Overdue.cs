using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

// IAttemptStore.GetOverdueAsync: attempts past timeout plus grace, wherever they run.
public abstract partial class JobStoreConformance
{
    private static readonly AttemptLimit DefaultLimit = new(TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(30));

    private IAttemptStore Attempts => Assert.IsAssignableFrom<IAttemptStore>(Store);

    private static OverdueQuery Overdue(DateTimeOffset now, params (string Queue, AttemptLimit Limit)[] queues) =>
        new(now, DefaultLimit, queues.ToDictionary(q => q.Queue, q => q.Limit), 100);

    [Fact]
    public async Task GetOverdue_QueueTimeoutPlusGrace_OnlyAfterBoth()
    {
        var job = await InsertAndLeaseAsync(NewJob(queue: "ocr"));
        var limit = new AttemptLimit(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2));

        Assert.Empty(await Attempts.GetOverdueAsync(Overdue(T0.AddSeconds(11), ("ocr", limit)), Ct));
        var overdue = await Attempts.GetOverdueAsync(Overdue(T0.AddSeconds(12.5), ("ocr", limit)), Ct);

        Assert.Equal(job.Id, Assert.Single(overdue).Id);
        Assert.Equal(job.LeaseToken, overdue[0].LeaseToken);
    }

    [Fact]
    public async Task GetOverdue_JobTimeout_WinsOverTheQueues()
    {
        var job = await InsertAndLeaseAsync(NewJob() with { Timeout = TimeSpan.FromSeconds(1) });

        // Default queue: 5 min timeout, 30 s grace; the job's own 1 s timeout plus the grace is what counts.
        Assert.Empty(await Attempts.GetOverdueAsync(Overdue(T0.AddSeconds(30)), Ct));
        Assert.Equal(job.Id, Assert.Single(await Attempts.GetOverdueAsync(Overdue(T0.AddSeconds(32)), Ct)).Id);
    }

    [Fact]
    public async Task GetOverdue_FinishedOrWaitingJobs_NeverReturned()
    {
        var done = await InsertAndLeaseAsync();
        Assert.True(await CompleteAsync(done.Lease, new JobOutcome.Succeeded(null)));
        await InsertOneAsync(NewJob());

        Assert.Empty(await Attempts.GetOverdueAsync(Overdue(T0.AddDays(1)), Ct));
    }
}
