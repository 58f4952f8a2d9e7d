using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary>External workers lease jobs of an external queue over HTTP, then heartbeat, report progress and complete or fail them.</summary>
public sealed class WorkersEndpointsTests : NodeTest
{
    [Fact]
    public async Task Lease_ThenHeartbeatProgressComplete_JobCompletedWithResult()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", args = new { page = 1 } });

        var leased = await LeaseOneAsync();
        Assert.Equal(id, EscalaApi.Id(leased));
        Assert.Equal(1, leased.GetProperty("attempt").GetInt32());
        Assert.Equal(1, leased.GetProperty("args").GetProperty("page").GetInt32());
        var lease = new { id, leaseToken = leased.GetProperty("leaseToken").GetString() };

        using (var heartbeat = await Api.PostJsonAsync("/v1/workers/heartbeat", new { leases = new[] { lease } }))
        {
            await EscalaApi.ExpectAsync(heartbeat, HttpStatusCode.OK);
            var body = await EscalaApi.ReadAsync(heartbeat);
            Assert.Equal(0, body.GetProperty("lost").GetArrayLength());
            Assert.Equal(0, body.GetProperty("cancelRequested").GetArrayLength());
        }

        using (var progress = await Api.PostJsonAsync("/v1/workers/progress", new { lease.id, lease.leaseToken, progress = new { percent = 30 } }))
        {
            await EscalaApi.ExpectAsync(progress, HttpStatusCode.OK);
        }

        var running = await Api.GetJobAsync(id);
        Assert.Equal("running", EscalaApi.State(running));
        Assert.Equal(30, running.GetProperty("progress").GetProperty("percent").GetInt32());

        using (var complete = await Api.PostJsonAsync("/v1/workers/complete", new { lease.id, lease.leaseToken, result = new { text = "done" } }))
        {
            await EscalaApi.ExpectAsync(complete, HttpStatusCode.OK);
        }

        var job = await Api.GetJobAsync(id);
        Assert.Equal("completed", EscalaApi.State(job));
        Assert.Equal("done", job.GetProperty("result").GetProperty("text").GetString());
    }

    /// <remarks>
    /// That the wait ends on the submit's wake-up, not on the lease's periodic re-check, is shown without timing
    /// in <c>Escala.Core.Tests</c> (RescuerTests.ExternalLease_JobArrivesWhileWaiting_WakesWithoutTheClockMoving),
    /// on a clock that never moves.
    /// </remarks>
    [Fact]
    public async Task Lease_LongPollOnEmptyQueue_ReturnsTheJobSubmittedWhileItWaits()
    {
        var lease = Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, wait = "20s", worker = "py-1" });
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext" });

        using var response = await Eventually.WithinAsync(lease, "the long poll to return");

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var jobs = (await EscalaApi.ReadAsync(response)).GetProperty("jobs");
        Assert.Equal(id, EscalaApi.Id(Assert.Single(jobs.EnumerateArray())));
    }

    [Fact]
    public async Task Fail_NotRetryable_JobIsDeadWithThePermanentError()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", maxAttempts = 5 });
        var leased = await LeaseOneAsync();

        using var response = await Api.PostJsonAsync("/v1/workers/fail", new
        {
            id,
            leaseToken = leased.GetProperty("leaseToken").GetString(),
            error = "the scan is unreadable",
            retryable = false,
        });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal("dead", (await EscalaApi.ReadAsync(response)).GetProperty("state").GetString());
        var job = await Api.GetJobAsync(id);
        Assert.Equal("dead", EscalaApi.State(job));
        var error = Assert.Single(job.GetProperty("errors").EnumerateArray());
        Assert.Equal("permanent", error.GetProperty("kind").GetString());
        Assert.Equal("the scan is unreadable", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Complete_ForeignOrStaleToken_Returns409AndLeavesTheJobUnchanged()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext" });
        var leased = await LeaseOneAsync();
        var before = await Api.GetJobAsync(id);

        using (var foreign = await Api.PostJsonAsync("/v1/workers/complete", new { id, leaseToken = "not-my-lease", result = "stolen" }))
        {
            await Problem.AssertAsync(foreign, HttpStatusCode.Conflict);
        }

        using (var foreignFail = await Api.PostJsonAsync("/v1/workers/fail", new { id, leaseToken = "not-my-lease", error = "x" }))
        {
            await Problem.AssertAsync(foreignFail, HttpStatusCode.Conflict);
        }

        using (var foreignProgress = await Api.PostJsonAsync("/v1/workers/progress", new { id, leaseToken = "not-my-lease", progress = 99 }))
        {
            await Problem.AssertAsync(foreignProgress, HttpStatusCode.Conflict);
        }

        var after = await Api.GetJobAsync(id);
        Assert.Equal("running", EscalaApi.State(after));
        Assert.Equal(before.GetProperty("attempt").GetInt32(), after.GetProperty("attempt").GetInt32());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("result").ValueKind);
        Assert.Equal(JsonValueKind.Null, after.GetProperty("progress").ValueKind);
        Assert.Equal(0, after.GetProperty("errors").GetArrayLength());

        var token = leased.GetProperty("leaseToken").GetString();
        using (var complete = await Api.PostJsonAsync("/v1/workers/complete", new { id, leaseToken = token, result = "mine" }))
        {
            await EscalaApi.ExpectAsync(complete, HttpStatusCode.OK);
        }

        using (var stale = await Api.PostJsonAsync("/v1/workers/complete", new { id, leaseToken = token, result = "again" }))
        {
            await Problem.AssertAsync(stale, HttpStatusCode.Conflict);
        }

        Assert.Equal("mine", (await Api.GetJobAsync(id)).GetProperty("result").GetString());
    }

    [Fact]
    public async Task Lease_UnknownQueue_Returns422NamingTheQueue()
    {
        using var response = await Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext", "nope" } });

        await Problem.AssertFieldAsync(response, HttpStatusCode.UnprocessableEntity, "queues[1]");
    }

    [Fact]
    public async Task PythonWorker_RealSubprocess_CompletesAJob()
    {
        var id = await Api.SubmitIdAsync(new { kind = "upper", queue = "ext", args = new { text = "hello escala" } });
        var start = new ProcessStartInfo("python3")
        {
            ArgumentList = { RepositoryPaths.PythonWorker, "--url", Node.Address.ToString().TrimEnd('/'), "--queue", "ext" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var worker = new ChildProcess(start);
        try
        {
            var job = await Api.WaitForStateAsync(id, "completed", TimeSpan.FromSeconds(30));

            Assert.Equal("HELLO ESCALA", job.GetProperty("result").GetProperty("text").GetString());
            Assert.Equal(50, job.GetProperty("progress").GetProperty("percent").GetInt32());
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nworker output:\n{worker.Output}", ex);
        }
    }

    [Fact]
    public async Task PythonWorker_CancelRequested_StopsTheTaskAndReportsItCancelled()
    {
        var id = await Api.SubmitIdAsync(new { kind = "countdown", queue = "ext", args = new { steps = 500, stepSeconds = 0.1 }, maxAttempts = 3 });
        using var worker = StartPythonWorker();
        try
        {
            await Api.WaitForAsync(id, j => j.GetProperty("progress").ValueKind != JsonValueKind.Null, "the task reporting progress", TimeSpan.FromSeconds(30));
            using (var cancel = await Api.PostJsonAsync($"/v1/jobs/{id}/cancel", new { }))
            {
                await EscalaApi.ExpectAsync(cancel, HttpStatusCode.Accepted);
            }

            var job = await Api.WaitForStateAsync(id, "cancelled", TimeSpan.FromSeconds(30));

            Assert.Equal(1, job.GetProperty("attempt").GetInt32());
            Assert.Equal(0, job.GetProperty("errors").GetArrayLength());
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nworker output:\n{worker.Output}", ex);
        }
    }

    [Fact]
    public async Task PythonWorker_Sigterm_HandsTheRunningJobBackAvailableWithItsAttemptUncounted()
    {
        var id = await Api.SubmitIdAsync(new { kind = "countdown", queue = "ext", args = new { steps = 500, stepSeconds = 0.1 }, maxAttempts = 1 });
        using var worker = StartPythonWorker();
        try
        {
            await Api.WaitForAsync(id, j => j.GetProperty("progress").ValueKind != JsonValueKind.Null, "the task reporting progress", TimeSpan.FromSeconds(30));

            worker.Terminate();

            Assert.True(await worker.WaitForExitAsync(TimeSpan.FromSeconds(15)), "the worker did not exit on SIGTERM");
            var job = await Api.GetJobAsync(id);
            Assert.Equal("available", EscalaApi.State(job));
            Assert.Equal(0, job.GetProperty("attempt").GetInt32());
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nworker output:\n{worker.Output}", ex);
        }
    }

    [Fact]
    public async Task PythonWorker_OnlyLeasesKindsItHasHandlersFor()
    {
        var foreign = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext" });
        var mine = await Api.SubmitIdAsync(new { kind = "upper", queue = "ext", args = new { text = "x" } });
        using var worker = StartPythonWorker();
        try
        {
            await Api.WaitForStateAsync(mine, "completed", TimeSpan.FromSeconds(30));

            var job = await Api.GetJobAsync(foreign);
            Assert.Equal("available", EscalaApi.State(job));
            Assert.Equal(0, job.GetProperty("attempt").GetInt32());
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{ex.Message}\nworker output:\n{worker.Output}", ex);
        }
    }

    private ChildProcess StartPythonWorker() => new(new ProcessStartInfo("python3")
    {
        ArgumentList = { RepositoryPaths.PythonWorker, "--url", Node.Address.ToString().TrimEnd('/'), "--queue", "ext" },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    });

    private async Task<JsonElement> LeaseOneAsync()
    {
        using var response = await Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, max = 1, wait = "5s", worker = "test" });
        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var body = await EscalaApi.ReadAsync(response);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("leaseDuration").GetString()));
        return Assert.Single(body.GetProperty("jobs").EnumerateArray());
    }
}
