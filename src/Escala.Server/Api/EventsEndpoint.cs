using System.Text.Json;
using Escala.Client;
using Escala.Configuration;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;

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
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

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

    private static async Task StreamAsync(HttpContext http, JobClient client, JobSignals signals, TimeProvider time, IJobStore store,
        EscalaSettings settings, ResourceGovernor governor, long id, string? maxDuration, CancellationToken ct)
    {
        Task<string?> Waiting(Job of) => ResourceWaiting.ForJobAsync(of, store, settings, governor, time.GetUtcNow(), ct);

        var limit = MaxDuration;
        if (maxDuration is not null && (!Durations.TryParse(maxDuration, out limit) || limit <= TimeSpan.Zero))
        {
            await Problems.Field(StatusCodes.Status400BadRequest, "maxDuration", "Not a duration such as 30s or 5m.").ExecuteAsync(http);
            return;
        }

        limit = limit > MaxDuration ? MaxDuration : limit;
        var job = await client.GetAsync(http.Tenant(), id, ct);
        if (job is null)
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
        await SendAsync(response, job.State.IsFinal() ? "done" : "state", job, waiting, ct);
        while (!job.State.IsFinal())
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                await SendAsync(response, "timeout", job, waiting, ct);
                return;
            }

            var change = signals.NextChange(id);
            await client.WaitForSignalAsync(change, left < Poll ? left : Poll, ct);
            var next = await client.GetAsync(http.Tenant(), id, ct);
            if (next is null)
            {
                return;
            }

            if (next.State != job.State || next.Attempt != job.Attempt)
            {
                waiting = await Waiting(next);
                waitingCheckedAt = time.GetUtcNow();
                await SendAsync(response, next.State.IsFinal() ? "done" : "state", next, waiting, ct);
                lastBeat = time.GetUtcNow();
            }
            else if (next.Progress != job.Progress)
            {
                await SendAsync(response, "progress", next, null, ct);
                lastBeat = time.GetUtcNow();
            }
            else if (next.State == JobState.Available && time.GetUtcNow() - waitingCheckedAt >= WaitingRecheck)
            {
                // A breaker opened or closed, a pause ended, a slot freed: say so while the job still waits.
                waitingCheckedAt = time.GetUtcNow();
                var reason = await Waiting(next);
                if (reason != waiting)
                {
                    waiting = reason;
                    await SendAsync(response, "waiting", next, waiting, ct);
                    lastBeat = time.GetUtcNow();
                }
            }
            else if (time.GetUtcNow() - lastBeat >= KeepAlive)
            {
                await response.WriteAsync(": keep-alive\n\n", ct);
                await response.Body.FlushAsync(ct);
                lastBeat = time.GetUtcNow();
            }

            job = next;
        }
    }

    private static async Task SendAsync(HttpResponse response, string name, Job job, string? waiting, CancellationToken ct)
    {
        var data = JsonSerializer.Serialize(JobDto.From(job) with { WaitingReason = waiting }, JsonOptions.Api);
        await response.WriteAsync($"event: {name}\nid: {job.Id}-{job.Attempt}-{job.State.ToWire()}\ndata: {data}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
