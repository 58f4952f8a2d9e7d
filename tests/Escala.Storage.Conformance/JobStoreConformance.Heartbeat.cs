using Escala.Jobs;
using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    [Fact]
    public async Task Heartbeat_HeldLease_ExtendsExpiry()
    {
        var job = await InsertAndLeaseAsync();

        var result = await Store.HeartbeatAsync([job.Lease], T0.AddMinutes(5), Ct);

        Assert.Empty(result.Lost);
        Assert.Empty(result.CancelRequested);
        Assert.Equal(T0.AddMinutes(5), (await GetAsync(job.Id)).LeaseExpiresAt);
    }

    [Fact]
    public async Task Heartbeat_WrongTokenOrFinishedJob_ReportsLost()
    {
        var running = await InsertAndLeaseAsync();
        var finished = await InsertAndLeaseAsync();
        Assert.True(await CompleteAsync(finished.Lease, new JobOutcome.Succeeded(null)));

        var result = await Store.HeartbeatAsync([new LeaseRef(running.Id, "not-the-token"), finished.Lease], T0.AddMinutes(5), Ct);

        Assert.Equal([running.Id, finished.Id], result.Lost.Order());
        Assert.Equal(T0 + LeaseFor, (await GetAsync(running.Id)).LeaseExpiresAt);
    }

    [Fact]
    public async Task Heartbeat_CancelRequested_ReportedAndStillHeld()
    {
        var job = await InsertAndLeaseAsync();
        Assert.Equal(CancelStatus.Requested, (await Store.CancelAsync("t1", job.Id, T0, Ct)).Status);

        var result = await Store.HeartbeatAsync([job.Lease], T0.AddMinutes(1), Ct);

        Assert.Equal([job.Id], result.CancelRequested);
        Assert.Empty(result.Lost);
    }

    [Fact]
    public async Task SetProgress_HeldLease_StoresLatest()
    {
        var job = await InsertAndLeaseAsync();

        Assert.True(await Store.SetProgressAsync(job.Lease, "{\"pct\":10}", Ct));
        Assert.True(await Store.SetProgressAsync(job.Lease, "{\"pct\":60}", Ct));

        Assert.Equal("{\"pct\":60}", (await GetAsync(job.Id)).Progress);
    }

    [Fact]
    public async Task SetProgress_LostLease_FalseAndUnchanged()
    {
        var job = await InsertAndLeaseAsync();

        Assert.False(await Store.SetProgressAsync(new LeaseRef(job.Id, "stale"), "{\"pct\":99}", Ct));
        Assert.Null((await GetAsync(job.Id)).Progress);
    }
}
