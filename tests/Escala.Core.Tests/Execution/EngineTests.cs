using Escala.Client;
using Escala.Core.Tests.Support;
using Escala.Jobs;

namespace Escala.Core.Tests.Execution;

/// <summary>Producer, runner and completer of one node against a real SQLite store, on a clock the test moves.</summary>
public sealed class EngineTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Runner_SoftTimeoutOnTheEngineClock_AttemptFailsWithTimeoutAndIsRetried()
    {
        var handler = new TestHandler("wait", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return null; });
        await using var engine = await Engine.CreateAsync(o => o.Queues["default"] = new() { Timeout = "10s", HardTimeoutGrace = "1m" }, handler);
        await engine.Worker.StartAsync(default);
        var job = await engine.SubmitAsync(new JobRequest { Kind = "wait" });
        await handler.Started.WaitAsync(TimeSpan.FromSeconds(30));

        var failed = await AdvanceUntilAsync(engine, job.Id, j => j.State != JobState.Running, "the soft timeout");

        Assert.Equal(JobState.Retryable, failed.State);
        var error = Assert.Single(failed.Errors);
        Assert.Equal(FailureKinds.Timeout, error.Kind);
        Assert.Equal("Timed out after 10s.", error.Message);
    }

    [Fact]
    public async Task Runner_HandlerIgnoresItsToken_HardTimeoutFailsTheAttemptAndFreesTheSlot()
    {
        var never = new TaskCompletionSource<object?>();
        var handler = new TestHandler("stuck", (_, _) => never.Task);
        await using var engine = await Engine.CreateAsync(
            o => o.Queues["default"] = new() { Concurrency = 1, Timeout = "10s", HardTimeoutGrace = "5s", MaxAttempts = 1 }, handler);
        await engine.Worker.StartAsync(default);
        var job = await engine.SubmitAsync(new JobRequest { Kind = "stuck" });
        await handler.Started.WaitAsync(TimeSpan.FromSeconds(30));

        var dead = await AdvanceUntilAsync(engine, job.Id, j => j.State != JobState.Running, "the hard timeout");

        Assert.Equal(JobState.Dead, dead.State);
        Assert.StartsWith("Hard timeout after 15s", Assert.Single(dead.Errors).Message);
        Assert.Equal(0, engine.Worker.RunningByQueue()["default"]);
        Assert.False(never.Task.IsCompleted);
    }

    [Fact]
    public async Task Runner_CancelWhileRunning_JobCancelledNotRetried()
    {
        var handler = new TestHandler("wait", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return null; });
        await using var engine = await Engine.CreateAsync(null, handler);
        await engine.Worker.StartAsync(default);
        var job = await engine.SubmitAsync(new JobRequest { Kind = "wait", MaxAttempts = 5 });
        await handler.Started.WaitAsync(TimeSpan.FromSeconds(30));

        await engine.Client.CancelAsync("t1", job.Id, default);

        var cancelled = await engine.WaitForAsync(job.Id, j => j.State.IsFinal(), "the cancel");
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.Empty(cancelled.Errors);
        Assert.Equal(1, cancelled.Attempt);
    }

    [Fact]
    public async Task Completer_ResultStored_WatcherWokenWithoutTheClockMoving()
    {
        var handler = new TestHandler("echo", (context, _) => Task.FromResult<object?>(new { got = context.Args.GetProperty("n").GetInt32() }));
        await using var engine = await Engine.CreateAsync(null, handler);
        await engine.Worker.StartAsync(default);
        var job = await engine.SubmitAsync(new JobRequest { Kind = "echo", Args = "{\"n\":7}" });

        var status = await engine.Watcher.WaitForFinalAsync("t1", job.Id, TimeSpan.FromSeconds(30), default).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(JobState.Completed, status?.State);
        Assert.Equal("{\"got\":7}", (await engine.GetAsync(job.Id)).Result);
        Assert.Equal(0, engine.Watcher.Count);
    }

    [Fact]
    public async Task Producer_LeasesOnlyKindsWithAHandler_OthersWaitForAnExternalWorker()
    {
        var handler = new TestHandler("mine", (_, _) => Task.FromResult<object?>(null));
        await using var engine = await Engine.CreateAsync(null, handler);
        var foreign = await engine.SubmitAsync(new JobRequest { Kind = "theirs" });
        var mine = await engine.SubmitAsync(new JobRequest { Kind = "mine" });
        await engine.Worker.StartAsync(default);

        await engine.WaitForAsync(mine.Id, j => j.State == JobState.Completed, "the node's own kind to complete");

        var waiting = await engine.GetAsync(foreign.Id);
        Assert.Equal(JobState.Available, waiting.State);
        Assert.Equal(0, waiting.Attempt);
    }

    [Fact]
    public async Task Shutdown_AfterTheGrace_HandsTheRunningJobBackWithItsAttemptUncounted()
    {
        var handler = new TestHandler("wait", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return null; });
        await using var engine = await Engine.CreateAsync(null, handler);
        await engine.Worker.StartAsync(default);
        var job = await engine.SubmitAsync(new JobRequest { Kind = "wait" });
        await handler.Started.WaitAsync(TimeSpan.FromSeconds(30));

        await engine.Worker.StopAsync(default);

        var back = await engine.GetAsync(job.Id);
        Assert.Equal(JobState.Available, back.State);
        Assert.Equal(0, back.Attempt);
    }

    /// <summary>
    /// Moves the engine's clock a step at a time until the job satisfies <paramref name="done"/>. Steps, not one
    /// jump: the runner arms its timers just after the handler starts, possibly after the first step.
    /// </summary>
    private static async Task<Job> AdvanceUntilAsync(Engine engine, long id, Func<Job, bool> done, string what)
    {
        for (var i = 0; i < 40; i++)
        {
            engine.Time.Advance(Step);
            try
            {
                return await engine.WaitForAsync(id, done, what).WaitAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (TimeoutException)
            {
            }
        }

        throw new TimeoutException($"Timed out waiting for {what}.");
    }
}
