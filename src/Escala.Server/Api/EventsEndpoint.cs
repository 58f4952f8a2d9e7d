using System.Text.Json;
using Escala.Client;
using Escala.Configuration;
using Escala.Execution;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;
using Escala.Watching;

namespace Escala.Server.Api;

/// <summary>
/// <c>GET /v1/jobs/{id}/events</c>: a server-sent event stream of one job. Events: <c>state</c> (the job,
/// at the start and on every state or attempt change), <c>progress</c> (the job's latest progress), and a
/// last <c>done</c> (the final job, with its result or errors) or <c>timeout</c> when the stream's maximum
/// duration is up. Keep-alive comments every 15 s.
/// </summary>
public static class EventsEndpoint
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    /// <summary>How often a waiting job's reason is read again (one resource-usage read) to report its changes.</summary>
    private static readonly TimeSpan WaitingRecheck = TimeSpan.FromSeconds(2);

    /// <summary>Longest stream unless <c>?maxDuration=</c> asks for less (reference doc 3: 5 minutes).</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(5);

    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder v1)
    {
        v1.MapGet("/jobs/{id:long}/events", StreamAsync).WithTags("Jobs")
            .WithSummary("Server-sent events: state changes, progress and the final result of one job.");
        return v1;
    }

    private static async Task StreamAsync(HttpContext http, JobClient client, JobWatcher watcher, TimeProvider time, IJobStore store,
        EscalaOptions settings, ResourceGovernor governor, WorkerKinds kinds, long id, string? maxDuration, CancellationToken ct)
    {
        Task<string?> Waiting(Job of) => ResourceWaiting.ForJobAsync(of, store, settings, governor, kinds, time.GetUtcNow(), ct);

        var limit = MaxDuration;
        if (maxDuration is not null && (!Durations.TryParse(maxDuration, out limit) || limit <= TimeSpan.Zero))
        {
            await Problems.Field(StatusCodes.Status400BadRequest, "maxDuration", "Not a duration such as 30s or 5m.").ExecuteAsync(http);
            return;
        }

        limit = limit > MaxDuration ? MaxDuration : limit;
        var tenant = http.Tenant();
        // The status first, then the job: the job is never older than the status the loop starts from.
        var status = await watcher.GetAsync(tenant, id, ct);
        var job = await client.GetAsync(tenant, id, ct);
        if (job is null || status is null)
        {
            await Problems.NotFound($"Job {id}").ExecuteAsync(http);
            return;
        }

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var deadline = time.GetUtcNow() + limit;
        var lastBeat = time.GetUtcNow();
        var waiting = await Waiting(job);
        var waitingCheckedAt = time.GetUtcNow();
        // A job already final gets its one event as "done": every stream ends with done or timeout.
        if (status.State.IsFinal() && !job.State.IsFinal())
        {
            job = await client.GetAsync(tenant, id, ct) ?? job; // finished between the two reads above
        }

        await SendAsync(response, job.State.IsFinal() ? "done" : "state", job, waiting, ct);
        if (job.State.IsFinal())
        {
            return;
        }

        var tokens = new TokenEvents();
        if (tokens.Next(status.Progress) is { } sofar)
        {
            await SendTokensAsync(response, job, sofar, ct);
        }

        while (!status.State.IsFinal())
        {
            var now = time.GetUtcNow();
            var left = deadline - now;
            if (left <= TimeSpan.Zero)
            {
                await SendAsync(response, "timeout", job, waiting, ct);
                return;
            }

            // Wake for a change, or when a keep-alive or a re-check of the waiting reason is due.
            var until = Min(left, lastBeat + KeepAlive - now);
            if (status.State == JobState.Available)
            {
                until = Min(until, waitingCheckedAt + WaitingRecheck - now);
            }

            var next = await watcher.WaitForChangeAsync(tenant, id, status, until, ct);
            if (next is null)
            {
                return;
            }

            if (next.Attempt != status.Attempt)
            {
                tokens = new TokenEvents();
            }

            // A streaming job (progress {"text": …}) gets token events carrying only the new text.
            if (next.Progress != status.Progress && tokens.Next(next.Progress) is { } delta)
            {
                await SendTokensAsync(response, job, delta, ct);
                lastBeat = time.GetUtcNow();
                if (next.State == status.State && next.Attempt == status.Attempt)
                {
                    status = next;
                    continue;
                }
            }

            if (next.State != status.State || next.Attempt != status.Attempt)
            {
                // The whole job (result, errors) is read once per state change, never per poll.
                job = await client.GetAsync(tenant, id, ct);
                if (job is null)
                {
                    return;
                }

                waiting = await Waiting(job);
                waitingCheckedAt = time.GetUtcNow();
                await SendAsync(response, next.State.IsFinal() ? "done" : "state", job, waiting, ct);
                lastBeat = time.GetUtcNow();
            }
            else if (next.Progress != status.Progress)
            {
                job = job with { Progress = next.Progress, CancelRequested = next.CancelRequested };
                await SendAsync(response, "progress", job, null, ct);
                lastBeat = time.GetUtcNow();
            }
            else if (next.State == JobState.Available && time.GetUtcNow() - waitingCheckedAt >= WaitingRecheck)
            {
                // A breaker opened or closed, a pause ended, a slot freed: say so while the job still waits.
                waitingCheckedAt = time.GetUtcNow();
                var reason = await Waiting(job);
                if (reason != waiting)
                {
                    waiting = reason;
                    await SendAsync(response, "waiting", job, waiting, ct);
                    lastBeat = time.GetUtcNow();
                }
            }
            else if (time.GetUtcNow() - lastBeat >= KeepAlive)
            {
                await response.WriteAsync(": keep-alive\n\n", ct);
                await response.Body.FlushAsync(ct);
                lastBeat = time.GetUtcNow();
            }

            status = next;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b)
    {
        var min = a < b ? a : b;
        return min < TimeSpan.Zero ? TimeSpan.Zero : min;
    }

    private static async Task SendTokensAsync(HttpResponse response, Job job, string data, CancellationToken ct)
    {
        await response.WriteAsync($"event: token\nid: {job.Id}-{job.Attempt}-token\ndata: {data}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    private static async Task SendAsync(HttpResponse response, string name, Job job, string? waiting, CancellationToken ct)
    {
        var data = JsonSerializer.Serialize(JobDto.From(job) with { WaitingReason = waiting }, JsonOptions.Api);
        await response.WriteAsync($"event: {name}\nid: {job.Id}-{job.Attempt}-{job.State.ToWire()}\ndata: {data}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
