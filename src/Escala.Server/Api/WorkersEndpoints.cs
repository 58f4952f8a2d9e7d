using System.Text.Json;
using System.Text.Json.Serialization;
using Escala.Client;
using Escala.Configuration;
using Escala.Execution.Attempts;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary>
/// <c>/v1/workers</c>: external workers in any language lease jobs over HTTP (long-poll), then heartbeat,
/// report progress, and complete, fail, cancel or release them with the lease token. Every call goes through
/// the <see cref="AttemptLifecycle"/>, exactly like an in-process worker: deadlines, hard timeouts, retry
/// policy, breakers, metrics. A stale or foreign token gets 409 and changes nothing; another tenant's or an
/// unknown job 404.
/// </summary>
public static class WorkersEndpoints
{
    private const int MaxLease = 100;
    private const int MaxReason = 200;

    public static RouteGroupBuilder MapWorkers(this RouteGroupBuilder v1)
    {
        var workers = v1.MapGroup("/workers").WithTags("External workers");
        workers.MapPost("/lease", LeaseAsync).WithSummary("Lease up to max jobs from the given queues (and kinds), waiting up to wait for one.");
        workers.MapPost("/heartbeat", HeartbeatAsync).WithSummary("Extend leases; learn which were lost or asked to cancel.");
        workers.MapPost("/progress", ProgressAsync).WithSummary("Report progress of a leased job; learn whether cancel was requested.");
        workers.MapPost("/complete", CompleteAsync).WithSummary("Complete a leased job with its result.");
        workers.MapPost("/fail", FailAsync).WithSummary("Fail a leased job's attempt; it is retried with backoff unless retryable is false or attempts are used up.");
        workers.MapPost("/cancel", CancelAsync).WithSummary("Report a leased job stopped because cancel was requested: it ends cancelled, not retried.");
        workers.MapPost("/release", ReleaseAsync).WithSummary("Hand a leased job back unfinished (shutdown): available again at once, the attempt not counted.");
        return v1;
    }

    public sealed record LeaseBody(IReadOnlyList<string>? Queues, int? Max, string? Wait, string? Worker, IReadOnlyList<string>? Kinds);

    public sealed record LeaseItem(long Id, string? LeaseToken);

    public sealed record HeartbeatBody(IReadOnlyList<LeaseItem>? Leases);

    public sealed record ProgressBody(long Id, string? LeaseToken, JsonElement? Progress);

    public sealed record CompleteBody(long Id, string? LeaseToken, JsonElement? Result);

    public sealed record FailBody(long Id, string? LeaseToken, string? Error, bool? Retryable, string? RetryAfter, bool? Throttled);

    public sealed record CancelBody(long Id, string? LeaseToken, string? Reason);

    public sealed record ReleaseBody(long Id, string? LeaseToken);

    private static async Task<IResult> LeaseAsync(HttpContext http, AttemptLifecycle attempts, EscalaOptions settings, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<LeaseBody>(http.Request, ct);
        if (body.Queues is not { Count: > 0 })
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "queues", "Name at least one queue.");
        }

        var queues = new List<QueueOptions>();
        for (var i = 0; i < body.Queues.Count; i++)
        {
            if (settings.FindQueue(body.Queues[i] ?? "") is not { } queue)
            {
                return Problems.Field(StatusCodes.Status422UnprocessableEntity, $"queues[{i}]", $"Unknown queue '{Shorten(body.Queues[i] ?? "")}'.");
            }

            queues.Add(queue);
        }

        if (body.Kinds is { } kinds)
        {
            if (kinds.Count == 0)
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "kinds", "Leave kinds out to lease every kind, or name at least one.");
            }

            for (var i = 0; i < kinds.Count; i++)
            {
                if (!Names.IsValid(kinds[i] ?? ""))
                {
                    return Problems.Field(StatusCodes.Status400BadRequest, $"kinds[{i}]", "A kind has letters, digits, '_', '.', '-' only, at most 64 characters.");
                }
            }
        }

        var max = body.Max ?? 1;
        if (max is < 1 or > MaxLease)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "max", $"max must be between 1 and {MaxLease}.");
        }

        var wait = TimeSpan.Zero;
        if (body.Wait is not null && !Durations.TryParse(body.Wait, out wait))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "wait", "Not a duration such as 500ms, 10s or 2m.");
        }

        var holder = "worker:" + (string.IsNullOrWhiteSpace(body.Worker) ? http.Connection.RemoteIpAddress?.ToString() : body.Worker![..Math.Min(body.Worker.Length, 64)]);
        var leased = await attempts.LeaseAsync(new ExternalLease(queues, body.Kinds, max, wait, holder, Security.Caller.LeaseTenant(http)), ct);
        return Results.Ok(new
        {
            jobs = leased.Select(LeasedJobDto.From),
            leaseDuration = Durations.Format(settings.Execution.LeaseDuration),
            heartbeatInterval = Durations.Format(settings.Execution.HeartbeatInterval),
        });
    }

    private static async Task<IResult> HeartbeatAsync(HttpContext http, IJobStore store, AttemptLifecycle attempts, EscalaOptions settings, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<HeartbeatBody>(http.Request, ct);
        if (body.Leases is not { Count: > 0 } leases)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "leases", "Give at least one lease.");
        }

        if (leases.Count > 1000)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "leases", "At most 1000 leases per heartbeat.");
        }

        // A worker acting for one tenant extends only that tenant's leases: another tenant's job is reported lost, untouched.
        List<long> foreign = [];
        var refs = new List<LeaseRef>(leases.Count);
        var tenant = Security.Caller.LeaseTenant(http);
        foreach (var lease in leases)
        {
            if (tenant is not null && await store.GetAsync(tenant, lease.Id, ct) is null)
            {
                foreign.Add(lease.Id);
            }
            else
            {
                refs.Add(new LeaseRef(lease.Id, lease.LeaseToken ?? ""));
            }
        }

        var result = refs.Count == 0 ? HeartbeatResult.Empty : await attempts.HeartbeatAsync(refs, ct);
        return Results.Ok(new
        {
            lost = result.Lost.Concat(foreign).ToList(),
            cancelRequested = result.CancelRequested,
            leaseDuration = Durations.Format(settings.Execution.LeaseDuration),
        });
    }

    private static async Task<IResult> ProgressAsync(HttpContext http, IJobStore store, AttemptLifecycle attempts, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ProgressBody>(http.Request, ct);
        if (body.Progress is not { } progress)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "progress", "Give the progress as any JSON value.");
        }

        if (await store.GetAsync(http.Tenant(), body.Id, ct) is not { } job)
        {
            return Problems.NotFound($"Job {body.Id}");
        }

        var report = await attempts.ProgressAsync(job, body.LeaseToken ?? "", progress.GetRawText(), ct);
        return report.Held ? Results.Ok(new { id = body.Id, cancelRequested = report.CancelRequested }) : LeaseNotHeld(body.Id);
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, IJobStore store, AttemptLifecycle attempts, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CompleteBody>(http.Request, ct);
        var result = body.Result is { ValueKind: not JsonValueKind.Undefined } r ? r.GetRawText() : null;
        return await ReportAsync(http, store, body.Id, (job, token) => attempts.CompleteAsync(job, token, result, ct), body.LeaseToken, ct);
    }

    private static async Task<IResult> FailAsync(HttpContext http, IJobStore store, AttemptLifecycle attempts, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<FailBody>(http.Request, ct);
        TimeSpan? retryAfter = null;
        if (body.RetryAfter is not null)
        {
            if (!Durations.TryParse(body.RetryAfter, out var parsed))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "retryAfter", "Not a duration such as 500ms, 10s or 2m.");
            }

            // Longer ones are cut to AttemptDefaults.MaxRetryAfter (1h) by the lifecycle.
            retryAfter = parsed;
        }

        if (body.Throttled == true && body.Retryable == false)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "throttled", "A throttled failure is retryable: leave retryable out or true.");
        }

        var message = string.IsNullOrWhiteSpace(body.Error) ? "failed by external worker" : body.Error;
        var failure = body.Retryable == false
            ? AttemptFailure.PermanentFailure(message)
            : AttemptFailure.Transient(message, retryAfter, body.Throttled == true);
        return await ReportAsync(http, store, body.Id, (job, token) => attempts.FailAsync(job, token, failure, ct), body.LeaseToken, ct);
    }

    private static async Task<IResult> CancelAsync(HttpContext http, IJobStore store, AttemptLifecycle attempts, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CancelBody>(http.Request, ct);
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? "cancelled by external worker" : Shorten(body.Reason, MaxReason);
        return await ReportAsync(http, store, body.Id, (job, token) => attempts.CancelAsync(job, token, reason, ct), body.LeaseToken, ct);
    }

    private static async Task<IResult> ReleaseAsync(HttpContext http, IJobStore store, AttemptLifecycle attempts, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ReleaseBody>(http.Request, ct);
        return await ReportAsync(http, store, body.Id, (job, token) => attempts.ReleaseAsync(job, token, "released by external worker", ct), body.LeaseToken, ct);
    }

    /// <summary>Reads the caller's tenant's job (404 otherwise), applies the report, and answers with the job's new state.</summary>
    private static async Task<IResult> ReportAsync(HttpContext http, IJobStore store, long id,
        Func<Job, string, Task<AttemptReport>> report, string? token, CancellationToken ct)
    {
        if (await store.GetAsync(http.Tenant(), id, ct) is not { } job)
        {
            return Problems.NotFound($"Job {id}");
        }

        var answer = await report(job, token ?? "");
        return answer.Status switch
        {
            AttemptReportStatus.Applied => Results.Ok(Answer(job, answer.Outcome!)),
            AttemptReportStatus.Overdue => Problems.Conflict(
                $"Job {id}'s attempt ran past its hard deadline: it was failed with a timeout and the lease is gone."),
            _ => LeaseNotHeld(id),
        };
    }

    private static object Answer(Job job, JobOutcome outcome) => outcome switch
    {
        JobOutcome.Failed failed => new
        {
            id = job.Id,
            state = (failed.RetryAt is null ? JobState.Dead : JobState.Retryable).ToWire(),
            retryAt = failed.RetryAt,
        },
        JobOutcome.Succeeded => new { id = job.Id, state = JobState.Completed.ToWire() },
        JobOutcome.Cancelled => new { id = job.Id, state = JobState.Cancelled.ToWire() },

        // A job whose cancel was asked for while it ran ends cancelled instead of running again.
        _ => new { id = job.Id, state = (job.CancelRequested ? JobState.Cancelled : JobState.Available).ToWire() },
    };

    private static IResult LeaseNotHeld(long id) =>
        Problems.Conflict($"The lease on job {id} is not held with that token: it expired, was rescued, or the job already finished.");

    private static string Shorten(string value, int max = 64) => value.Length <= max ? value : value[..max] + "…";

    private sealed record LeasedJobDto(long Id, string Kind, string Queue,
        [property: JsonConverter(typeof(RawJsonConverter))] string Args,
        int Attempt, int MaxAttempts, string LeaseToken, DateTimeOffset? LeaseExpiresAt,
        string Timeout, DateTimeOffset? Deadline, DateTimeOffset? HardDeadline, string? IdempotencyKey, string? Traceparent,
        long? WorkflowId, string? Step, string? ConcurrencyKey)
    {
        public static LeasedJobDto From(LeasedAttempt leased)
        {
            var job = leased.Job;
            var limits = leased.Deadlines;
            return new(job.Id, job.Kind, job.Queue, job.Args, job.Attempt, job.MaxAttempts, job.LeaseToken!, job.LeaseExpiresAt,
                Durations.Format(limits.Timeout), limits.Deadline, limits.HardDeadline, job.IdempotencyKey, job.Traceparent,
                job.WorkflowId, job.Step, job.ConcurrencyKey);
        }
    }
}
