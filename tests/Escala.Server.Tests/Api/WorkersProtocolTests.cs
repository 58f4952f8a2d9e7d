using System.Globalization;
using System.Net;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Api;

/// <summary>
/// External workers get the in-process guarantees over real HTTP: deadlines, hard timeouts enforced by the
/// server, cancel and release, throttling, breakers and metrics, all through the one attempt lifecycle.
/// </summary>
public sealed class WorkersProtocolTests : NodeTest
{
    protected override IReadOnlyDictionary<string, string?> Overrides => new Dictionary<string, string?>
    {
        ["Queues:ext:HardTimeoutGrace"] = "300ms",
        ["Queues:ext:Backoff"] = "50ms",
        ["Queues:ext:MaxBackoff"] = "100ms",
        ["Resources:ocr:Breaker:Failures"] = "2",
        ["Resources:ocr:Breaker:Window"] = "30s",
        ["Resources:ocr:Breaker:OpenFor"] = "1s",
        ["Resources:ocr:Breaker:Probes"] = "1",
    };

    [Fact]
    public async Task Lease_JobWithTimeout_CarriesDeadlinesHeartbeatIntervalAndKeys()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", timeout = "3s", idempotencyKey = "scan-7", concurrencyKey = "user:7" });

        using var response = await Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, wait = "5s", worker = "py" });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var body = await EscalaApi.ReadAsync(response);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("heartbeatInterval").GetString()));
        var leased = Assert.Single(body.GetProperty("jobs").EnumerateArray());
        Assert.Equal(id, EscalaApi.Id(leased));
        Assert.Equal("3s", leased.GetProperty("timeout").GetString());
        Assert.Equal("scan-7", leased.GetProperty("idempotencyKey").GetString());
        Assert.Equal("user:7", leased.GetProperty("concurrencyKey").GetString());
        // The submit's W3C trace context, stored with the job (the node traces every request).
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", leased.GetProperty("traceparent").GetString());
        var started = (await Api.GetJobAsync(id)).GetProperty("attemptedAt").GetDateTimeOffset();
        var deadline = leased.GetProperty("deadline").GetDateTimeOffset();
        var hardDeadline = leased.GetProperty("hardDeadline").GetDateTimeOffset();
        Assert.Equal(started + TimeSpan.FromSeconds(3), deadline);
        Assert.Equal(deadline + TimeSpan.FromMilliseconds(300), hardDeadline);
    }

    [Fact]
    public async Task Lease_Kinds_LeasesOnlyTheKindsAskedFor()
    {
        var other = await Api.SubmitIdAsync(new { kind = "upper", queue = "ext" });
        var wanted = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext" });

        var leased = await LeaseAsync(kinds: ["ocr"]);

        Assert.Equal(wanted, EscalaApi.Id(Assert.Single(leased)));
        Assert.Equal("available", EscalaApi.State(await Api.GetJobAsync(other)));
    }

    [Fact]
    public async Task SilentWorker_PastHardDeadline_ServerFailsTheAttemptWithTimeoutAndRefusesTheLateReport()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", timeout = "1s", maxAttempts = 3 });
        var leased = Assert.Single(await LeaseAsync());
        var token = leased.GetProperty("leaseToken").GetString();

        // The worker never reports. The leader fails the attempt once timeout + grace (1.3 s) are past.
        var job = await Api.WaitForAsync(id, j => j.GetProperty("errors").GetArrayLength() == 1, "the attempt failed by the server", TimeSpan.FromSeconds(20));

        var error = job.GetProperty("errors")[0];
        Assert.Equal("timeout", error.GetProperty("kind").GetString());
        Assert.NotEqual("running", EscalaApi.State(await Api.GetJobAsync(id)));
        using var late = await Api.PostJsonAsync("/v1/workers/complete", new { id, leaseToken = token, result = "late" });
        await Problem.AssertAsync(late, HttpStatusCode.Conflict);
        var retried = await Api.WaitForAsync(id, j => j.GetProperty("attempt").GetInt32() == 1 && EscalaApi.State(j) == "available",
            "the job waiting for its next attempt", TimeSpan.FromSeconds(10));
        Assert.Equal(JsonValueKind.Null, retried.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task CancelRequested_HeartbeatAndProgressSayIt_WorkerReportsCancelled_JobCancelledNotRetried()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", maxAttempts = 5 });
        var leased = Assert.Single(await LeaseAsync());
        var lease = new { id, leaseToken = leased.GetProperty("leaseToken").GetString() };

        using (var cancel = await Api.PostJsonAsync($"/v1/jobs/{id}/cancel", new { }))
        {
            await EscalaApi.ExpectAsync(cancel, HttpStatusCode.Accepted);
        }

        using (var heartbeat = await Api.PostJsonAsync("/v1/workers/heartbeat", new { leases = new[] { lease } }))
        {
            var body = await EscalaApi.ReadAsync(heartbeat);
            Assert.Equal([id], body.GetProperty("cancelRequested").EnumerateArray().Select(e => e.GetInt64()));
        }

        using (var progress = await Api.PostJsonAsync("/v1/workers/progress", new { lease.id, lease.leaseToken, progress = 10 }))
        {
            await EscalaApi.ExpectAsync(progress, HttpStatusCode.OK);
            Assert.True((await EscalaApi.ReadAsync(progress)).GetProperty("cancelRequested").GetBoolean());
        }

        using (var cancelled = await Api.PostJsonAsync("/v1/workers/cancel", new { lease.id, lease.leaseToken, reason = "user asked" }))
        {
            await EscalaApi.ExpectAsync(cancelled, HttpStatusCode.OK);
            Assert.Equal("cancelled", (await EscalaApi.ReadAsync(cancelled)).GetProperty("state").GetString());
        }

        var job = await Api.GetJobAsync(id);
        Assert.Equal("cancelled", EscalaApi.State(job));
        Assert.Equal(0, job.GetProperty("errors").GetArrayLength());
        using var again = await Api.PostJsonAsync("/v1/workers/cancel", new { lease.id, lease.leaseToken });
        await Problem.AssertAsync(again, HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Release_JobIsAvailableAtOnceAndTheAttemptDoesNotCount()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", maxAttempts = 1 });
        var first = Assert.Single(await LeaseAsync());

        using (var release = await Api.PostJsonAsync("/v1/workers/release", new { id, leaseToken = first.GetProperty("leaseToken").GetString() }))
        {
            await EscalaApi.ExpectAsync(release, HttpStatusCode.OK);
            Assert.Equal("available", (await EscalaApi.ReadAsync(release)).GetProperty("state").GetString());
        }

        var job = await Api.GetJobAsync(id);
        Assert.Equal("available", EscalaApi.State(job));
        Assert.Equal(0, job.GetProperty("attempt").GetInt32());
        var second = Assert.Single(await LeaseAsync());
        Assert.Equal(1, second.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task Fail_RetryAfterLongerThanAnHour_IsCappedAtOneHour()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", maxAttempts = 3 });
        var leased = Assert.Single(await LeaseAsync());
        var before = DateTimeOffset.UtcNow;

        using var response = await Api.PostJsonAsync("/v1/workers/fail", new
        {
            id, leaseToken = leased.GetProperty("leaseToken").GetString(), error = "busy", retryAfter = "20h",
        });

        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        var body = await EscalaApi.ReadAsync(response);
        Assert.Equal("retryable", body.GetProperty("state").GetString());
        var retryAt = body.GetProperty("retryAt").GetDateTimeOffset();
        Assert.InRange(retryAt, before + TimeSpan.FromMinutes(59), DateTimeOffset.UtcNow + TimeSpan.FromHours(1));
    }

    [Fact]
    public async Task Fail_RetryAfterBeyondItsBound_Is400AndChangesNothing()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", maxAttempts = 1 });
        var leased = Assert.Single(await LeaseAsync());

        using var response = await Api.PostJsonAsync("/v1/workers/fail", new
        {
            id, leaseToken = leased.GetProperty("leaseToken").GetString(), error = "busy", retryAfter = "9999999d",
        });

        var problem = await Problem.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("retryAfter", out _));
        var job = await Api.GetJobAsync(id);
        Assert.Equal("running", EscalaApi.State(job));
    }

    [Fact]
    public async Task Fail_Throttled_PausesTheJobsResourcesClusterWide()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", resources = new[] { "llm" } });
        var leased = Assert.Single(await LeaseAsync());

        using (var response = await Api.PostJsonAsync("/v1/workers/fail", new
        {
            id, leaseToken = leased.GetProperty("leaseToken").GetString(), error = "429", retryAfter = "30s", throttled = true,
        }))
        {
            await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        }

        var llm = await Eventually.UntilAsync(() => ResourceAsync("llm"), r => r.GetProperty("pausedUntil").ValueKind != JsonValueKind.Null,
            "the resource paused");
        Assert.InRange(llm.GetProperty("pausedUntil").GetDateTimeOffset(), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20), DateTimeOffset.UtcNow + TimeSpan.FromSeconds(31));
    }

    [Fact]
    public async Task Fail_NotThrottled_RetryAfterDelaysOnlyThisJob()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", resources = new[] { "llm" } });
        var leased = Assert.Single(await LeaseAsync());

        using (var response = await Api.PostJsonAsync("/v1/workers/fail", new
        {
            id, leaseToken = leased.GetProperty("leaseToken").GetString(), error = "try later", retryAfter = "30s",
        }))
        {
            await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        }

        Assert.Equal(JsonValueKind.Null, (await ResourceAsync("llm")).GetProperty("pausedUntil").ValueKind);
    }

    [Fact]
    public async Task Breaker_ResourceUsedOnlyByExternalWorkers_OpensOnFailuresAndClosesAfterAProbe()
    {
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add(await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext", resources = new[] { "ocr" }, maxAttempts = 10 }));
        }

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var job = Assert.Single(await LeaseAsync());
            using var fail = await Api.PostJsonAsync("/v1/workers/fail", new { id = EscalaApi.Id(job), leaseToken = job.GetProperty("leaseToken").GetString(), error = "503" });
            await EscalaApi.ExpectAsync(fail, HttpStatusCode.OK);
        }

        Assert.Equal("open", (await ResourceAsync("ocr")).GetProperty("breaker").GetString());
        Assert.Empty(await LeaseAsync(wait: "0s"));

        // After openFor (1 s) one probe is let through; its success closes the breaker.
        var probe = await Eventually.UntilAsync(() => LeaseAsync(wait: "0s"), jobs => jobs.Count > 0, "the half-open probe", TimeSpan.FromSeconds(15));
        var leased = Assert.Single(probe);
        using (var complete = await Api.PostJsonAsync("/v1/workers/complete", new { id = EscalaApi.Id(leased), leaseToken = leased.GetProperty("leaseToken").GetString(), result = 1 }))
        {
            await EscalaApi.ExpectAsync(complete, HttpStatusCode.OK);
        }

        Assert.Equal("closed", (await ResourceAsync("ocr")).GetProperty("breaker").GetString());
        var metrics = await Node.Http.GetStringAsync("/metrics");
        Assert.Contains(metrics.Split('\n'), l => l.StartsWith("escala_breaker_transitions_total{", StringComparison.Ordinal)
            && l.Contains("resource=\"ocr\"", StringComparison.Ordinal) && l.Contains("to=\"closed\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Complete_ByExternalWorker_CountsInTheCompletedMetric()
    {
        var id = await Api.SubmitIdAsync(new { kind = "ocr", queue = "ext" });
        var leased = Assert.Single(await LeaseAsync());

        using (var complete = await Api.PostJsonAsync("/v1/workers/complete", new { id, leaseToken = leased.GetProperty("leaseToken").GetString(), result = "ok" }))
        {
            await EscalaApi.ExpectAsync(complete, HttpStatusCode.OK);
        }

        var metrics = await Node.Http.GetStringAsync("/metrics");
        var line = Assert.Single(metrics.Split('\n'), l => l.StartsWith("escala_jobs_completed_total{", StringComparison.Ordinal)
            && l.Contains("queue=\"ext\"", StringComparison.Ordinal) && l.Contains("kind=\"ocr\"", StringComparison.Ordinal));
        Assert.Equal(1, double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Job_OfAKindNoWorkerLeases_SaysWhyItWaits_UntilAWorkerAsksForIt()
    {
        var first = await Api.SubmitIdAsync(new { kind = "scan", queue = "ext" });
        var second = await Api.SubmitIdAsync(new { kind = "scan", queue = "ext" });

        Assert.Equal("waiting: no worker has leased kind scan from queue ext", (await Api.GetJobAsync(second)).GetProperty("waitingReason").GetString());

        var leased = Assert.Single(await LeaseAsync(kinds: ["scan"]));
        var waiting = EscalaApi.Id(leased) == first ? second : first;

        var job = await Api.GetJobAsync(waiting);
        Assert.Equal("available", EscalaApi.State(job));
        Assert.Equal(JsonValueKind.Null, job.GetProperty("waitingReason").ValueKind);
    }

    [Fact]
    public async Task Job_OfAKindWithoutAHandlerOnTheNode_IsNotRunAndSaysWhy()
    {
        var id = await Api.SubmitIdAsync(new { kind = "no-such-handler", queue = "fast" });
        var done = await Api.SubmitAsync(new { kind = "noop", queue = "fast" });
        await Api.WaitForStateAsync(EscalaApi.Id(done), "completed");

        var job = await Api.GetJobAsync(id);

        Assert.Equal("available", EscalaApi.State(job));
        Assert.Equal(0, job.GetProperty("attempt").GetInt32());
        Assert.Equal("waiting: no worker has leased kind no-such-handler from queue fast", job.GetProperty("waitingReason").GetString());
    }

    private async Task<List<JsonElement>> LeaseAsync(string[]? kinds = null, string wait = "5s")
    {
        using var response = await Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, max = 1, wait, worker = "test", kinds });
        await EscalaApi.ExpectAsync(response, HttpStatusCode.OK);
        return [.. (await EscalaApi.ReadAsync(response)).GetProperty("jobs").EnumerateArray()];
    }

    private async Task<JsonElement> ResourceAsync(string name) =>
        (await Api.GetAsync("/v1/resources")).GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
}
