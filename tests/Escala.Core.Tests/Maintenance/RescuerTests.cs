using Escala.Core.Tests.Support;
using Escala.Execution.Attempts;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Core.Tests.Maintenance;

/// <summary>The leader's rescuer, run by the maintenance service on a clock the test moves, against a real SQLite store.</summary>
public sealed class RescuerTests
{
    [Fact]
    public async Task Rescue_LeaseExpired_AttemptFailsWithLeaseExpiredAndIsRetried()
    {
        await using var engine = await Engine.CreateAsync();
        var job = await engine.SubmitAsync(new() { Kind = "ocr", MaxAttempts = 3 });
        await LeaseAsync(engine, "worker:gone");

        engine.Time.Advance(engine.Settings.LeaseDuration + TimeSpan.FromSeconds(1));
        await engine.Maintenance.RunOnceAsync(default);

        var rescued = await engine.GetAsync(job.Id);
        Assert.Equal(JobState.Retryable, rescued.State);
        Assert.Equal(FailureKinds.LeaseExpired, Assert.Single(rescued.Errors).Kind);
    }

    [Fact]
    public async Task Rescue_HeartbeatingPastHardDeadline_FailedWithTimeoutAndTheTokenIsDead()
    {
        await using var engine = await Engine.CreateAsync(o => o.Queues["default"] = new() { Timeout = "1m", HardTimeoutGrace = "10s" });
        var job = await engine.SubmitAsync(new() { Kind = "ocr", Timeout = "5s", MaxAttempts = 3 });
        var leased = await LeaseAsync(engine, "worker:busy");

        // The worker keeps heartbeating, so its lease never expires: only the hard deadline (5 s + 10 s) ends it.
        engine.Time.Advance(TimeSpan.FromSeconds(14));
        await engine.Lifecycle.HeartbeatAsync([leased.Lease], default);
        await engine.Maintenance.RunOnceAsync(default);
        Assert.Equal(JobState.Running, (await engine.GetAsync(job.Id)).State);

        // Past the hard deadline, and past the next rescue round (every 5 s); the lease itself still holds.
        engine.Time.Advance(TimeSpan.FromSeconds(6));
        await engine.Maintenance.RunOnceAsync(default);

        var failed = await engine.GetAsync(job.Id);
        Assert.Equal(JobState.Retryable, failed.State);
        Assert.Equal(FailureKinds.Timeout, Assert.Single(failed.Errors).Kind);
        var late = await engine.Lifecycle.CompleteAsync(failed, leased.LeaseToken!, "\"late\"", default);
        Assert.Equal(AttemptReportStatus.NotHeld, late.Status);
    }

    [Fact]
    public async Task Report_AfterHardDeadlineBeforeTheRescuerRan_IsRefusedAndTheAttemptFailsWithTimeout()
    {
        await using var engine = await Engine.CreateAsync(o => o.Queues["default"] = new() { Timeout = "5s", HardTimeoutGrace = "1s" });
        var job = await engine.SubmitAsync(new() { Kind = "ocr", MaxAttempts = 1 });
        var leased = await LeaseAsync(engine, "worker:late");

        engine.Time.Advance(TimeSpan.FromSeconds(7));
        var report = await engine.Lifecycle.CompleteAsync(leased, leased.LeaseToken!, "1", default);

        Assert.Equal(AttemptReportStatus.Overdue, report.Status);
        var dead = await engine.GetAsync(job.Id);
        Assert.Equal(JobState.Dead, dead.State);
        Assert.Null(dead.Result);
        Assert.Equal(FailureKinds.Timeout, Assert.Single(dead.Errors).Kind);
    }

    [Fact]
    public async Task Progress_AfterHardDeadline_LeaseNotHeldAndTheAttemptFailsWithTimeout()
    {
        await using var engine = await Engine.CreateAsync(o => o.Queues["default"] = new() { Timeout = "5s", HardTimeoutGrace = "1s" });
        var job = await engine.SubmitAsync(new() { Kind = "ocr", MaxAttempts = 2 });
        var leased = await LeaseAsync(engine, "worker:late");

        engine.Time.Advance(TimeSpan.FromSeconds(7));
        var report = await engine.Lifecycle.ProgressAsync(leased, leased.LeaseToken!, "50", default);

        Assert.False(report.Held);
        var failed = await engine.GetAsync(job.Id);
        Assert.Equal(JobState.Retryable, failed.State);
        Assert.Null(failed.Progress);
        Assert.Equal(FailureKinds.Timeout, Assert.Single(failed.Errors).Kind);
    }

    [Fact]
    public async Task ExternalLease_JobArrivesWhileWaiting_WakesWithoutTheClockMoving()
    {
        await using var engine = await Engine.CreateAsync();
        var queue = engine.Settings.Queues["default"];

        // The lease reads the empty queue first (the store's one writer runs in call order), then waits. The fake
        // clock never moves, so neither its 1 s re-check nor its 20 s wait can end it: only the insert's wake-up.
        var lease = engine.Lifecycle.LeaseAsync(new ExternalLease([queue], null, 1, TimeSpan.FromSeconds(20), "worker:w"), default);
        var job = await engine.SubmitAsync(new() { Kind = "ocr" });

        var leased = await lease.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(job.Id, Assert.Single(leased).Job.Id);
    }

    private static async Task<Job> LeaseAsync(Engine engine, string holder) =>
        Assert.Single(await engine.Store.LeaseAsync(new LeaseRequest
        {
            Queue = "default",
            Holder = holder,
            Max = 1,
            Now = engine.Time.GetUtcNow(),
            LeaseFor = engine.Settings.LeaseDuration,
        }, default));
}
