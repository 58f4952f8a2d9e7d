using Escala.Client;
using Escala.Configuration;
using Escala.Execution;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;
using Escala.Watching;

namespace Escala.Server.Api;

/// <summary><c>/v1/jobs</c>: submit (one or a batch), read, list, cancel, retry.</summary>
public static class JobsEndpoints
{
    public static RouteGroupBuilder MapJobs(this RouteGroupBuilder v1)
    {
        var jobs = v1.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync).WithSummary("Submit a job; ?wait=10s waits for its result (202 when not done in time).");
        jobs.MapPost("/batch", SubmitBatchAsync).WithSummary("Submit many jobs at once: all valid or none inserted.");
        jobs.MapGet("/{id:long}", GetAsync).WithSummary("A job, with its result, progress and the error of every attempt; ?wait= waits for it to finish.");
        jobs.MapGet("/", ListAsync).WithSummary("Jobs newest first, filtered by queue, state, kind or idempotency key, with cursor pagination.");
        jobs.MapPost("/{id:long}/cancel", CancelAsync).WithSummary("Cancel a waiting job, or ask a running one to stop.");
        jobs.MapPost("/{id:long}/retry", RetryAsync).WithSummary("Run a finished or waiting job again now.");
        return v1;
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, JobClient client, JobWatcher watcher, EscalaOptions settings, string? wait, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<JobRequest>(http.Request, ct);
        var waitFor = ParseWait(wait, settings);
        var result = await client.SubmitAsync(http.Tenant(), body, ct);
        var job = result.Job;
        var location = $"/v1/jobs/{job.Id}";
        if (waitFor > TimeSpan.Zero && !job.State.IsFinal())
        {
            job = await WaitAsync(http, client, watcher, job.Id, waitFor, ct) ?? job;
            if (!job.State.IsFinal())
            {
                return Results.Accepted(location, JobDto.From(job));
            }
        }

        return result.Created ? Results.Created(location, JobDto.From(job)) : Results.Ok(JobDto.From(job));
    }

    private static async Task<IResult> SubmitBatchAsync(HttpContext http, JobClient client, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<BatchBody>(http.Request, ct);
        if (body.Jobs is null || body.Jobs.Count == 0)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "jobs", "Give at least one job.");
        }

        var results = await client.SubmitManyAsync(http.Tenant(), body.Jobs, "jobs", ct);
        return Results.Ok(new
        {
            created = results.Count(r => r.Created),
            jobs = results.Select(r => new { created = r.Created, job = JobDto.From(r.Job) }),
        });
    }

    private static async Task<IResult> GetAsync(HttpContext http, JobClient client, JobWatcher watcher, EscalaOptions settings, IJobStore store,
        ResourceGovernor governor, WorkerKinds kinds, TimeProvider time, long id, string? wait, CancellationToken ct)
    {
        var waitFor = ParseWait(wait, settings);
        var job = waitFor > TimeSpan.Zero
            ? await WaitAsync(http, client, watcher, id, waitFor, ct)
            : await client.GetAsync(http.Tenant(), id, ct);
        if (job is null)
        {
            return Problems.NotFound($"Job {id}");
        }

        var reason = await ResourceWaiting.ForJobAsync(job, store, settings, governor, kinds, time.GetUtcNow(), ct);
        return Results.Ok(JobDto.From(job) with { WaitingReason = reason });
    }

    private static async Task<IResult> ListAsync(HttpContext http, JobClient client, string? queue, string? state, string? kind, long? cursor, int? limit, CancellationToken ct,
        string? idempotencyKey = null)
    {
        JobState? parsed = null;
        if (state is not null)
        {
            if (!JobStates.TryParse(state, out var s))
            {
                return Problems.Field(StatusCodes.Status400BadRequest, "state", $"Unknown state; use one of {string.Join(", ", JobStates.All.Select(x => x.ToWire()))}.");
            }

            parsed = s;
        }

        if (limit is < 1 or > 500)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "limit", "limit must be between 1 and 500.");
        }

        var page = await client.ListAsync(new JobQuery
        {
            Tenant = http.Tenant(),
            Queue = queue,
            State = parsed,
            Kind = kind,
            IdempotencyKey = idempotencyKey,
            Before = cursor,
            Limit = limit ?? 50,
        }, ct);
        return Results.Ok(new { jobs = page.Jobs.Select(JobDto.From), nextCursor = page.NextCursor });
    }

    private static async Task<IResult> CancelAsync(HttpContext http, JobClient client, long id, CancellationToken ct)
    {
        var result = await client.CancelAsync(http.Tenant(), id, ct);
        return result.Status switch
        {
            CancelStatus.NotFound => Problems.NotFound($"Job {id}"),
            CancelStatus.AlreadyFinal => Problems.Conflict($"Job {id} is already {result.Job!.State.ToWire()}; nothing to cancel."),
            CancelStatus.Requested => Results.Accepted($"/v1/jobs/{id}", JobDto.From(result.Job!)),
            _ => Results.Ok(JobDto.From(result.Job!)),
        };
    }

    private static async Task<IResult> RetryAsync(HttpContext http, JobClient client, long id, CancellationToken ct)
    {
        var result = await client.RetryAsync(http.Tenant(), id, ct);
        return result.Status switch
        {
            RetryStatus.NotFound => Problems.NotFound($"Job {id}"),
            RetryStatus.NotRetryable when result.Job!.WorkflowId is { } workflow =>
                Problems.Conflict($"Job {id} is a step of workflow {workflow}; a step does not run again on its own: submit the workflow again."),
            RetryStatus.NotRetryable => Problems.Conflict($"Job {id} is {result.Job!.State.ToWire()}; only finished or waiting jobs can be retried."),
            _ => Results.Ok(JobDto.From(result.Job!)),
        };
    }

    /// <summary>Waits (reading the status only) until the job is final or the wait is over, then reads the whole job once.</summary>
    private static async Task<Job?> WaitAsync(HttpContext http, JobClient client, JobWatcher watcher, long id, TimeSpan wait, CancellationToken ct) =>
        await watcher.WaitForFinalAsync(http.Tenant(), id, wait, ct) is null ? null : await client.GetAsync(http.Tenant(), id, ct);

    /// <summary>Reads <c>?wait=</c>; throws a 400 naming the parameter when it is not a duration.</summary>
    public static TimeSpan ParseWait(string? wait, EscalaOptions settings)
    {
        if (wait is null)
        {
            return TimeSpan.Zero;
        }

        if (!Durations.TryParse(wait, out var value))
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "wait", "Not a duration such as 500ms, 10s or 2m.");
        }

        return value > settings.Limits.MaxWait ? settings.Limits.MaxWait : value;
    }
}
