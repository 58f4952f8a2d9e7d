using Escala.Client.Tests.Support;
using Escala.Execution;

namespace Escala.Client.Tests.Workers;

/// <summary>The external worker host (<c>AddEscalaWorker</c>) running <see cref="IJobHandler"/>s against a real node over HTTP.</summary>
public sealed class ExternalWorkerServiceTests : IAsyncLifetime
{
    private ClientNode _node = null!;

    public async Task InitializeAsync() => _node = await ClientNode.StartAsync();

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Handler_ReturnsResultAndReportsProgress_JobCompletes()
    {
        await _node.StartWorkerAsync(new DelegateHandler("text.upper", async (ctx, ct) =>
        {
            await ctx.ReportProgressAsync(new { percent = 50 }, ct);
            return new { text = ctx.Args.GetProperty("text").GetString()!.ToUpperInvariant(), attempt = ctx.Attempt };
        }));

        var job = await _node.Client.SubmitAsync(new SubmitJob("text.upper", new { text = "hello" }) { Queue = "ext" });
        var result = await _node.Client.ResultAsync<UpperResult>(job.Id, TimeSpan.FromSeconds(30));
        var done = await _node.Client.GetAsync(job.Id);

        Assert.Equal(new UpperResult("HELLO", 1), result);
        Assert.Equal(50, done.Progress!.Value.GetProperty("percent").GetInt32());
    }

    [Fact]
    public async Task TransientWithRetryAfter_RetriesNoSooner_ThenCompletes()
    {
        await _node.StartWorkerAsync(new DelegateHandler("flaky", (ctx, _) => ctx.Attempt == 1
            ? throw new TransientJobException("busy", TimeSpan.FromSeconds(1))
            : Task.FromResult<object?>(ctx.Attempt)));

        var job = await _node.Client.SubmitAsync(new SubmitJob("flaky") { Queue = "ext", MaxAttempts = 3 });
        var result = await _node.Client.ResultAsync<int>(job.Id, TimeSpan.FromSeconds(30));
        var done = await _node.Client.GetAsync(job.Id);

        Assert.Equal(2, result);
        var error = Assert.Single(done.Errors);
        Assert.Contains("busy", error.Message, StringComparison.Ordinal);
        Assert.True(done.FinishedAt!.Value - error.At >= TimeSpan.FromMilliseconds(950), $"retried {done.FinishedAt - error.At} after the failure");
    }

    [Fact]
    public async Task Permanent_EndsDeadAfterOneAttempt()
    {
        await _node.StartWorkerAsync(new DelegateHandler("bad.input", (_, _) => throw new PermanentJobException("unreadable")));

        var job = await _node.Client.SubmitAsync(new SubmitJob("bad.input") { Queue = "ext", MaxAttempts = 3 });
        var done = await _node.Client.WaitAsync(job.Id, TimeSpan.FromSeconds(30));

        Assert.Equal("dead", done.State);
        Assert.Equal(1, done.Attempt);
        await Assert.ThrowsAsync<EscalaJobFailedException>(() => _node.Client.ResultAsync<object>(job.Id, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Cancel_RunningJob_FiresTheHandlersToken_JobEndsCancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _node.StartWorkerAsync(new DelegateHandler("long.report", async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromMinutes(1), ct);
            return null;
        }));

        var job = await _node.Client.SubmitAsync(new SubmitJob("long.report") { Queue = "ext", MaxAttempts = 3 });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var asked = await _node.Client.CancelAsync(job.Id);
        var done = await _node.Client.WaitAsync(job.Id, TimeSpan.FromSeconds(30));

        Assert.True(asked.CancelRequested);
        Assert.Equal("cancelled", done.State);
        Assert.Equal(1, done.Attempt);
    }

    [Fact]
    public async Task Deadline_FiresTheToken_AttemptFailsAsTimeoutAndIsRetried()
    {
        await _node.StartWorkerAsync(new DelegateHandler("slow.ocr", async (ctx, ct) =>
        {
            if (ctx.Attempt == 1)
            {
                await Task.Delay(TimeSpan.FromMinutes(1), ct);
            }

            return ctx.Attempt;
        }));

        var job = await _node.Client.SubmitAsync(new SubmitJob("slow.ocr") { Queue = "ext", Timeout = "1s", MaxAttempts = 2 });
        var result = await _node.Client.ResultAsync<int>(job.Id, TimeSpan.FromSeconds(30));
        var done = await _node.Client.GetAsync(job.Id);

        Assert.Equal(2, result);
        Assert.Contains("timeout", Assert.Single(done.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoppingTheHost_PastTheGrace_HandsTheJobBack()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var host = await _node.StartWorkerAsync(new DelegateHandler("long.import", async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(TimeSpan.FromMinutes(1), ct);
            return null;
        }));

        var job = await _node.Client.SubmitAsync(new SubmitJob("long.import") { Queue = "ext", MaxAttempts = 1 });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();
        var after = await _node.Client.GetAsync(job.Id);

        Assert.Equal("available", after.State);  // at once, not when the lease would have expired
    }

    private sealed record UpperResult(string Text, int Attempt);
}
