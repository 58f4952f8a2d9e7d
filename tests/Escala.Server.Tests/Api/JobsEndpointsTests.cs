using System.Net;
using System.Text.Json;
using Escala.Server.Tests.Support;
using Escala.Server.Tests.Support.Handlers;

namespace Escala.Server.Tests.Api;

public sealed class JobsEndpointsTests : NodeTest
{
    [Fact]
    public async Task Submit_ValidJob_Returns201WithLocation()
    {
        using var response = await Api.PostJsonAsync("/v1/jobs", new { kind = "echo", args = new { x = 1 } });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.Created);
        var job = await EscalaApi.ReadAsync(response);
        Assert.Equal($"/v1/jobs/{EscalaApi.Id(job)}", response.Headers.Location?.OriginalString);
        Assert.Equal("default", job.GetProperty("queue").GetString());
        Assert.Equal(1, job.GetProperty("args").GetProperty("x").GetInt32());
    }

    [Fact]
    public async Task Submit_WaitForFastJob_ReturnsCompletedJobWithResult()
    {
        using var response = await Api.PostJsonAsync("/v1/jobs?wait=5s", new { kind = "echo", args = new { answer = 42 } });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.Created);
        var job = await EscalaApi.ReadAsync(response);
        Assert.Equal("completed", EscalaApi.State(job));
        Assert.Equal(42, job.GetProperty("result").GetProperty("answer").GetInt32());
    }

    [Fact]
    public async Task Submit_WaitOnSlowJob_Returns202WithTheUnfinishedJob()
    {
        using var response = await Api.PostJsonAsync("/v1/jobs?wait=300ms", new { kind = "block" });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.Accepted);
        var job = await EscalaApi.ReadAsync(response);
        Assert.True(EscalaApi.State(job) is "available" or "running", EscalaApi.State(job));
        Assert.Equal($"/v1/jobs/{EscalaApi.Id(job)}", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Submit_SameIdempotencyKeyTwice_Returns200WithTheSameJobAndInsertsOne()
    {
        var body = new { kind = "echo", queue = "fast", idempotencyKey = "order-17", args = new { n = 1 } };
        var first = await Api.SubmitAsync(body);

        using var second = await Api.PostJsonAsync("/v1/jobs", body);

        await EscalaApi.ExpectAsync(second, HttpStatusCode.OK);
        Assert.Equal(EscalaApi.Id(first), EscalaApi.Id(await EscalaApi.ReadAsync(second)));
        Assert.Equal(1, await Api.CountJobsAsync("queue=fast"));
    }

    [Fact]
    public async Task SubmitBatch_ThreeJobs_CreatesEveryOne()
    {
        using var response = await Api.PostJsonAsync("/v1/jobs/batch", new
        {
            jobs = new object[]
            {
                new { kind = "echo", queue = "fast", args = new { n = 1 } },
                new { kind = "echo", queue = "fast", args = new { n = 2 } },
                new { kind = "echo", queue = "fast", args = new { n = 3 }, idempotencyKey = "batch-3" },
            },
        });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var body = await EscalaApi.ReadAsync(response);
        Assert.Equal(3, body.GetProperty("created").GetInt32());
        var ids = body.GetProperty("jobs").EnumerateArray().Select(j => EscalaApi.Id(j.GetProperty("job"))).ToArray();
        Assert.Equal(3, ids.Distinct().Count());
        foreach (var id in ids)
        {
            await Api.WaitForStateAsync(id, "completed");
        }

        Assert.Equal(3, await Api.CountJobsAsync("queue=fast"));
    }

    [Fact]
    public async Task Get_UnknownId_Returns404Problem()
    {
        using var response = await Node.Http.GetAsync("/v1/jobs/987654");

        await EscalaApi.ExpectAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task List_FilteredByQueueStateAndKind_ReturnsOnlyMatchingJobs()
    {
        var delayedFast = await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h" });
        var delayedOtherKind = await Api.SubmitIdAsync(new { kind = "flaky", queue = "fast", delay = "1h", args = new { failures = 0 } });
        var delayedDefault = await Api.SubmitIdAsync(new { kind = "echo", delay = "1h" });
        var done = await Api.SubmitIdAsync(new { kind = "echo", queue = "fast" });
        await Api.WaitForStateAsync(done, "completed");

        Assert.Equal([delayedDefault], await IdsAsync("queue=default"));
        Assert.Equal([done, delayedOtherKind, delayedFast], (await IdsAsync("queue=fast")).OrderDescending());
        Assert.Equal([done], await IdsAsync("state=completed"));
        Assert.Equal([delayedFast], await IdsAsync("queue=fast&state=scheduled&kind=echo"));
        Assert.Equal([delayedOtherKind], await IdsAsync("kind=flaky"));
    }

    [Fact]
    public async Task List_CursorPagination_VisitsEveryJobExactlyOnce()
    {
        var submitted = new List<long>();
        for (var i = 0; i < 23; i++)
        {
            submitted.Add(await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h", args = new { i } }));
        }

        var seen = new List<long>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Api.GetAsync("/v1/jobs?queue=fast&limit=7" + (cursor is null ? "" : "&cursor=" + cursor));
            var ids = page.GetProperty("jobs").EnumerateArray().Select(EscalaApi.Id).ToList();
            Assert.InRange(ids.Count, 1, 7);
            seen.AddRange(ids);
            var next = page.GetProperty("nextCursor");
            cursor = next.ValueKind == JsonValueKind.Null ? null : next.GetRawText();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(4, pages);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(submitted.OrderDescending(), seen);
    }

    [Fact]
    public async Task Cancel_DelayedJob_BecomesCancelled()
    {
        var id = await Api.SubmitIdAsync(new { kind = "echo", delay = "1h" });

        using var response = await Node.Http.PostAsync($"/v1/jobs/{id}/cancel", EscalaApi.EmptyJson());

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        Assert.Equal("cancelled", EscalaApi.State(await EscalaApi.ReadAsync(response)));
        Assert.Equal("cancelled", EscalaApi.State(await Api.GetJobAsync(id)));
    }

    [Fact]
    public async Task Cancel_RunningJob_FiresTheHandlersTokenAndEndsCancelled()
    {
        var id = await Api.SubmitIdAsync(new { kind = "block" });
        await Eventually.WithinAsync(Handlers.Block.Started(id), "the handler to start");

        using var response = await Node.Http.PostAsync($"/v1/jobs/{id}/cancel", EscalaApi.EmptyJson());

        await EscalaApi.ExpectAsync(response, HttpStatusCode.Accepted);
        await Eventually.WithinAsync(Handlers.Block.Cancelled(id), "the handler's token to fire");
        var job = await Api.WaitForStateAsync(id, "cancelled");
        Assert.Equal(1, job.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Cancel_CompletedJob_Returns409()
    {
        using var submit = await Api.PostJsonAsync("/v1/jobs?wait=5s", new { kind = "echo" });
        var id = EscalaApi.Id(await EscalaApi.ReadAsync(submit));
        await Api.WaitForStateAsync(id, "completed");

        using var response = await Node.Http.PostAsync($"/v1/jobs/{id}/cancel", EscalaApi.EmptyJson());

        await EscalaApi.ExpectAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("completed", EscalaApi.State(await Api.GetJobAsync(id)));
    }

    [Fact]
    public async Task Retry_DeadJob_RunsAgainAndCompletes()
    {
        var id = await Api.SubmitIdAsync(new { kind = "flaky", maxAttempts = 1, args = new { failures = 1 } });
        var dead = await Api.WaitForStateAsync(id, "dead");
        Assert.Single(dead.GetProperty("errors").EnumerateArray());

        using var response = await Node.Http.PostAsync($"/v1/jobs/{id}/retry", EscalaApi.EmptyJson());

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var job = await Api.WaitForStateAsync(id, "completed");
        Assert.Equal(2, job.GetProperty("attempt").GetInt32());
        Assert.Equal(2, job.GetProperty("result").GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Submit_WithDelay_RunsAfterTheDelayNotBefore()
    {
        var submitted = await Api.SubmitAsync(new { kind = "echo", delay = "300ms" });
        var id = EscalaApi.Id(submitted);
        Assert.Equal("scheduled", EscalaApi.State(submitted));

        var job = await Api.WaitForStateAsync(id, "completed");

        var created = job.GetProperty("createdAt").GetDateTimeOffset();
        var runAt = job.GetProperty("runAt").GetDateTimeOffset();
        var attempted = job.GetProperty("attemptedAt").GetDateTimeOffset();
        Assert.True(runAt - created >= TimeSpan.FromMilliseconds(299), $"runAt {runAt:O} is not 300ms after createdAt {created:O}");
        Assert.True(attempted >= runAt, $"attempted at {attempted:O}, before its run time {runAt:O}");
    }

    [Fact]
    public async Task Priority_PausedConcurrencyOneQueue_HighPriorityRunsFirstAfterResume()
    {
        await Api.PauseAsync("one");
        var low = await Api.SubmitIdAsync(new { kind = "echo", queue = "one", priority = -5 });
        var high = await Api.SubmitIdAsync(new { kind = "echo", queue = "one", priority = 5 });

        await Api.ResumeAsync("one");

        await Api.WaitForStateAsync(low, "completed");
        await Api.WaitForStateAsync(high, "completed");
        Assert.Equal([high, low], Handlers.Echo.Ran.ToArray());
    }

    [Fact]
    public async Task Retries_HandlerFailsTwiceThenSucceeds_CompletedOnAttempt3WithTwoErrors()
    {
        var id = await Api.SubmitIdAsync(new { kind = "flaky", backoff = "50ms", maxAttempts = 5, args = new { failures = 2 } });

        var job = await Api.WaitForStateAsync(id, "completed");

        Assert.Equal(3, job.GetProperty("attempt").GetInt32());
        var errors = job.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal([1, 2], errors.Select(e => e.GetProperty("attempt").GetInt32()));
        Assert.All(errors, e => Assert.Equal("transient", e.GetProperty("kind").GetString()));
        Assert.Equal(3, job.GetProperty("result").GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Retries_MaxAttemptsExhausted_DeadWithEveryError()
    {
        var id = await Api.SubmitIdAsync(new { kind = "flaky", backoff = "50ms", maxAttempts = 3, args = new { failures = 10 } });

        var job = await Api.WaitForStateAsync(id, "dead");

        Assert.Equal(3, job.GetProperty("attempt").GetInt32());
        var errors = job.GetProperty("errors").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 3], errors.Select(e => e.GetProperty("attempt").GetInt32()));
        Assert.Contains("flaky failure 3 of 10", errors[2].GetProperty("message").GetString());
        Assert.NotEqual(JsonValueKind.Null, job.GetProperty("finishedAt").ValueKind);
    }

    [Fact]
    public async Task SoftTimeout_HandlerHonoursToken_AttemptFailsWithTimeoutError()
    {
        var id = await Api.SubmitIdAsync(new { kind = "block", timeout = "200ms", maxAttempts = 1 });

        var job = await Api.WaitForStateAsync(id, "dead");

        await Eventually.WithinAsync(Handlers.Block.Cancelled(id), "the handler's token to fire");
        var error = Assert.Single(job.GetProperty("errors").EnumerateArray());
        Assert.Equal("timeout", error.GetProperty("kind").GetString());
        Assert.Contains("Timed out", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task HardTimeout_HandlerIgnoresToken_AttemptFailsAndTheSlotIsFreed()
    {
        var stuck = await Api.SubmitIdAsync(new { kind = "stubborn", queue = "one", timeout = "200ms", maxAttempts = 1 });
        await Eventually.WithinAsync(Handlers.Stubborn.Started.Task, "the stubborn handler to start");
        var next = await Api.SubmitIdAsync(new { kind = "echo", queue = "one" });

        var job = await Api.WaitForStateAsync(stuck, "dead");
        await Api.WaitForStateAsync(next, "completed");

        var error = Assert.Single(job.GetProperty("errors").EnumerateArray());
        Assert.Equal("timeout", error.GetProperty("kind").GetString());
        Assert.Contains("Hard timeout", error.GetProperty("message").GetString());
        // The slot was freed and the next job ran while the stubborn handler still ran.
        Assert.False(Handlers.Stubborn.Finished.Task.IsCompleted);

        // When it finally returns, its late result is discarded: the attempt already ended.
        Handlers.Stubborn.Release();
        await Eventually.WithinAsync(Handlers.Stubborn.Finished.Task, "the stubborn handler to return once released");
        var after = await Api.GetJobAsync(stuck);
        Assert.Equal("dead", EscalaApi.State(after));
        Assert.Equal(JsonValueKind.Null, after.GetProperty("result").ValueKind);
    }

    private async Task<long[]> IdsAsync(string query)
    {
        var page = await Api.GetAsync("/v1/jobs?" + query);
        return page.GetProperty("jobs").EnumerateArray().Select(EscalaApi.Id).ToArray();
    }
}
