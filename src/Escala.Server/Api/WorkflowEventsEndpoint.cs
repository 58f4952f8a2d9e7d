using System.Text.Json;
using Escala.Jobs;
using Escala.Watching;
using Escala.Workflows;

namespace Escala.Server.Api;

/// <summary>
/// <c>GET /v1/workflows/{id}/events</c>: a server-sent event stream of one workflow. Events: <c>workflow</c> (the
/// whole workflow, first), <c>step</c> (one step, on each change of its state or attempt), and a last <c>done</c>
/// (the final workflow) or <c>timeout</c> when the stream's maximum duration is up. Keep-alive comments every 15 s.
/// It waits on the job watcher for the steps not yet final (the watcher reads statuses only, batched for the node).
/// </summary>
public static class WorkflowEventsEndpoint
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Most unfinished steps one stream waits on at once; the others are seen at the next re-read.</summary>
    private const int MaxWatched = 64;

    public static async Task StreamAsync(HttpContext http, WorkflowClient client, JobWatcher watcher, TimeProvider time, long id,
        string? maxDuration, CancellationToken ct)
    {
        var limit = EventsEndpoint.MaxDuration;
        if (maxDuration is not null && (!Durations.TryParse(maxDuration, out limit) || limit <= TimeSpan.Zero))
        {
            await Problems.Field(StatusCodes.Status400BadRequest, "maxDuration", "Not a duration such as 30s or 5m.").ExecuteAsync(http);
            return;
        }

        limit = limit > EventsEndpoint.MaxDuration ? EventsEndpoint.MaxDuration : limit;
        var tenant = http.Tenant();
        var workflow = await client.GetAsync(tenant, id, ct);
        if (workflow is null)
        {
            await Problems.NotFound($"Workflow {id}").ExecuteAsync(http);
            return;
        }

        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var deadline = time.GetUtcNow() + limit;
        await SendAsync(response, "workflow", $"{id}-start", WorkflowDto.From(workflow), ct);
        var sent = workflow.Steps.ToDictionary(s => s.Job.Id, s => (s.Job.State, s.Job.Attempt));
        while (workflow.State == WorkflowState.Running)
        {
            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                await SendAsync(response, "timeout", $"{id}-timeout", WorkflowDto.From(workflow), ct);
                return;
            }

            await WaitForAnyStepAsync(tenant, workflow, watcher, left < KeepAlive ? left : KeepAlive, ct);
            var next = await client.GetAsync(tenant, id, ct);
            if (next is null)
            {
                return;
            }

            var changed = false;
            foreach (var step in next.Steps)
            {
                if (sent.TryGetValue(step.Job.Id, out var seen) && seen == (step.Job.State, step.Job.Attempt))
                {
                    continue;
                }

                sent[step.Job.Id] = (step.Job.State, step.Job.Attempt);
                await SendAsync(response, "step", $"{step.Job.Id}-{step.Job.Attempt}-{step.Job.State.ToWire()}", WorkflowStepDto.From(step), ct);
                changed = true;
            }

            if (!changed && next.State == WorkflowState.Running)
            {
                await response.WriteAsync(": keep-alive\n\n", ct);
                await response.Body.FlushAsync(ct);
            }

            workflow = next;
        }

        await SendAsync(response, "done", $"{id}-{workflow.State.ToWire()}", WorkflowDto.From(workflow), ct);
    }

    /// <summary>Returns when one of the steps not yet final changes, or after <paramref name="timeout"/>.</summary>
    private static async Task WaitForAnyStepAsync(string tenant, Workflow workflow, JobWatcher watcher, TimeSpan timeout, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watched = workflow.Steps.Where(s => !s.Job.State.IsFinal()).Take(MaxWatched).ToList();
        if (watched.Count == 0)
        {
            return;
        }

        var waits = new List<Task>(watched.Count);
        foreach (var step in watched)
        {
            var seen = await watcher.GetAsync(tenant, step.Job.Id, ct);
            if (seen is null || seen.State != step.Job.State || seen.Attempt != step.Job.Attempt)
            {
                return; // changed since the workflow was read
            }

            waits.Add(WaitForStateAsync(tenant, step.Job.Id, seen, watcher, timeout, stop.Token));
        }

        await Task.WhenAny(waits);
        await stop.CancelAsync();
        try
        {
            await Task.WhenAll(waits);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The other waits, stopped once one step changed.
        }
    }

    /// <summary>Waits until the step's state or attempt changes (progress alone does not count), at most <paramref name="timeout"/>.</summary>
    private static async Task WaitForStateAsync(string tenant, long id, JobStatus seen, JobWatcher watcher, TimeSpan timeout, CancellationToken ct)
    {
        var status = seen;
        for (var i = 0; i < 1000 && status is not null && status.State == seen.State && status.Attempt == seen.Attempt; i++)
        {
            var next = await watcher.WaitForChangeAsync(tenant, id, status, timeout, ct);
            if (next == status)
            {
                return; // timed out
            }

            status = next;
        }
    }

    private static async Task SendAsync<T>(HttpResponse response, string name, string eventId, T data, CancellationToken ct)
    {
        await response.WriteAsync($"event: {name}\nid: {eventId}\ndata: {JsonSerializer.Serialize(data, JsonOptions.Api)}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
