using System.Text.Json;
using Escala.Client;
using Escala.Configuration;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary>
/// <c>/v1/workers</c>: external workers in any language lease jobs over HTTP (long-poll), then heartbeat,
/// report progress, and complete or fail them with the lease token. A stale or foreign token gets 409
/// and changes nothing. Admission control applies exactly as for in-process workers.
/// </summary>
public static class WorkersEndpoints
{
    private const int MaxLease = 100;
    private static readonly TimeSpan MaxLongPoll = TimeSpan.FromSeconds(30);

    public static RouteGroupBuilder MapWorkers(this RouteGroupBuilder v1)
    {
        var workers = v1.MapGroup("/workers").WithTags("External workers");
        workers.MapPost("/lease", LeaseAsync).WithSummary("Lease up to max jobs from the given queues, waiting up to wait for one.");
        workers.MapPost("/heartbeat", HeartbeatAsync).WithSummary("Extend leases; learn which were lost or asked to cancel.");
        workers.MapPost("/progress", ProgressAsync).WithSummary("Report progress of a leased job.");
        workers.MapPost("/complete", CompleteAsync).WithSummary("Complete a leased job with its result.");
        workers.MapPost("/fail", FailAsync).WithSummary("Fail a leased job's attempt; it is retried with backoff unless retryable is false or attempts are used up.");
        return v1;
    }

    public sealed record LeaseBody(IReadOnlyList<string>? Queues, int? Max, string? Wait, string? Worker);

    public sealed record LeaseItem(long Id, string? LeaseToken);

    public sealed record HeartbeatBody(IReadOnlyList<LeaseItem>? Leases);

    public sealed record ProgressBody(long Id, string? LeaseToken, JsonElement? Progress);

    public sealed record CompleteBody(long Id, string? LeaseToken, JsonElement? Result);

    public sealed record FailBody(long Id, string? LeaseToken, string? Error, bool? Retryable, string? RetryAfter);

    private static async Task<IResult> LeaseAsync(HttpContext http, IJobStore store, EscalaSettings settings, ResourceGovernor governor, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<LeaseBody>(http.Request, ct);
        if (body.Queues is not { Count: > 0 })
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "queues", "Name at least one queue.");
        }

        var queues = new List<QueueSettings>();
        for (var i = 0; i < body.Queues.Count; i++)
        {
            if (settings.FindQueue(body.Queues[i] ?? "") is not { } queue)
            {
                return Problems.Field(StatusCodes.Status422UnprocessableEntity, $"queues[{i}]", $"Unknown queue '{body.Queues[i]}'.");
            }

            queues.Add(queue);
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

        wait = wait > MaxLongPoll ? MaxLongPoll : wait;
        var holder = "worker:" + (string.IsNullOrWhiteSpace(body.Worker) ? http.Connection.RemoteIpAddress?.ToString() : body.Worker![..Math.Min(body.Worker.Length, 64)]);
        var deadline = time.GetUtcNow() + wait;
        var names = queues.Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = store.SubscribeAvailable(queue =>
        {
            if (names.Contains(queue))
            {
                wake.TrySetResult();
            }
        });
        while (true)
        {
            var leased = new List<Job>();
            foreach (var queue in queues)
            {
                if (leased.Count >= max)
                {
                    break;
                }

                leased.AddRange(await store.LeaseAsync(new LeaseRequest
                {
                    Queue = queue.Name,
                    Holder = holder,
                    Max = max - leased.Count,
                    Now = time.GetUtcNow(),
                    LeaseFor = settings.LeaseDuration,
                    Admission = governor.AdmissionFor(queue),
                }, ct));
            }

            var left = deadline - time.GetUtcNow();
            if (leased.Count > 0 || left <= TimeSpan.Zero)
            {
                return Results.Ok(new
                {
                    jobs = leased.Select(LeasedJobDto.From),
                    leaseDuration = Durations.Format(settings.LeaseDuration),
                });
            }

            try
            {
                await wake.Task.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), time, ct);
            }
            catch (TimeoutException)
            {
            }

            if (wake.Task.IsCompleted)
            {
                wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    private static async Task<IResult> HeartbeatAsync(HttpContext http, IJobStore store, EscalaSettings settings, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<HeartbeatBody>(http.Request, ct);
        if (body.Leases is not { Count: > 0 } leases)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "leases", "Give at least one lease.");
        }

        var refs = leases.Select(l => new LeaseRef(l.Id, l.LeaseToken ?? "")).ToArray();
        var result = await store.HeartbeatAsync(refs, time.GetUtcNow() + settings.LeaseDuration, ct);
        return Results.Ok(new { lost = result.Lost, cancelRequested = result.CancelRequested, leaseDuration = Durations.Format(settings.LeaseDuration) });
    }

    private static async Task<IResult> ProgressAsync(HttpContext http, IJobStore store, JobSignals signals, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ProgressBody>(http.Request, ct);
        if (body.Progress is not { } progress)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "progress", "Give the progress as any JSON value.");
        }

        if (!await OwnedAsync(http, store, body.Id, ct))
        {
            return Problems.NotFound($"Job {body.Id}");
        }

        if (!await store.SetProgressAsync(new LeaseRef(body.Id, body.LeaseToken ?? ""), progress.GetRawText(), ct))
        {
            return LeaseNotHeld(body.Id);
        }

        signals.Signal(body.Id);
        return Results.Ok(new { id = body.Id });
    }

    private static async Task<IResult> CompleteAsync(HttpContext http, IJobStore store, JobSignals signals, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<CompleteBody>(http.Request, ct);
        if (!await OwnedAsync(http, store, body.Id, ct))
        {
            return Problems.NotFound($"Job {body.Id}");
        }

        var result = body.Result is { ValueKind: not JsonValueKind.Undefined } r ? r.GetRawText() : null;
        var applied = await store.CompleteAsync([new Completion(new LeaseRef(body.Id, body.LeaseToken ?? ""), new JobOutcome.Succeeded(result))], time.GetUtcNow(), ct);
        if (!applied[0])
        {
            return LeaseNotHeld(body.Id);
        }

        signals.Signal(body.Id);
        return Results.Ok(new { id = body.Id, state = JobState.Completed.ToWire() });
    }

    private static async Task<IResult> FailAsync(HttpContext http, IJobStore store, EscalaSettings settings, ResourceGovernor governor, JobSignals signals, TimeProvider time, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<FailBody>(http.Request, ct);
        TimeSpan? retryAfter = null;
        if (body.RetryAfter is not null)
        {
            if (!Durations.TryParse(body.RetryAfter, out var parsed))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "retryAfter", "Not a duration such as 500ms, 10s or 2m.");
            }

            retryAfter = parsed;
        }

        var job = await store.GetAsync(http.Tenant(), body.Id, ct);
        if (job is null)
        {
            return Problems.NotFound($"Job {body.Id}");
        }

        if (job.State != JobState.Running || job.LeaseToken != body.LeaseToken)
        {
            return LeaseNotHeld(body.Id);
        }

        var now = time.GetUtcNow();
        var permanent = body.Retryable == false;
        var queue = settings.FindQueue(job.Queue) ?? settings.Queues[QueueDefaults.DefaultQueue];
        var message = string.IsNullOrWhiteSpace(body.Error) ? "failed by external worker" : body.Error[..Math.Min(body.Error.Length, 2000)];
        var error = new AttemptError(job.Attempt, now, message, permanent ? FailureKinds.Permanent : FailureKinds.Transient);
        var retryAt = RetryPolicy.NextAttemptAt(job, queue, now, permanent, retryAfter, Random.Shared.NextDouble());
        var applied = await store.CompleteAsync([new Completion(job.Lease, new JobOutcome.Failed(error, retryAt))], now, ct);
        if (!applied[0])
        {
            return LeaseNotHeld(body.Id);
        }

        governor.Record(job, transientFailure: !permanent, retryAfter);
        signals.Signal(body.Id);
        return Results.Ok(new { id = body.Id, state = (retryAt is null ? JobState.Dead : JobState.Retryable).ToWire(), retryAt });
    }

    /// <summary>True when the job exists for the caller's tenant: a worker never touches another tenant's job.</summary>
    private static async Task<bool> OwnedAsync(HttpContext http, IJobStore store, long id, CancellationToken ct) =>
        await store.GetAsync(http.Tenant(), id, ct) is not null;

    private static IResult LeaseNotHeld(long id) =>
        Problems.Conflict($"The lease on job {id} is not held with that token: it expired, was rescued, or the job already finished.");

    private sealed record LeasedJobDto(long Id, string Kind, string Queue,
        [property: System.Text.Json.Serialization.JsonConverter(typeof(RawJsonConverter))] string Args,
        int Attempt, int MaxAttempts, string LeaseToken, DateTimeOffset? LeaseExpiresAt, string? Traceparent)
    {
        /// <remarks><c>traceparent</c> is the submit's W3C trace context: a worker starts its span as its child.</remarks>
        public static LeasedJobDto From(Job job) =>
            new(job.Id, job.Kind, job.Queue, job.Args, job.Attempt, job.MaxAttempts, job.LeaseToken!, job.LeaseExpiresAt, job.Traceparent);
    }
}
