using Escala.Configuration;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary><c>/v1/queues</c>: each queue's settings and job counts by state; pause and resume.</summary>
public static class QueuesEndpoints
{
    public static RouteGroupBuilder MapQueues(this RouteGroupBuilder v1)
    {
        var queues = v1.MapGroup("/queues").WithTags("Queues");
        queues.MapGet("/", ListAsync).WithSummary("Every queue with its limits, whether it is paused, and its jobs by state.");
        queues.MapPost("/{name}/pause", (string name, IJobStore store, EscalaOptions settings, CancellationToken ct) => SetPausedAsync(name, true, store, settings, ct))
            .WithSummary("Stop leasing the queue's jobs, cluster-wide. Running jobs finish.");
        queues.MapPost("/{name}/resume", (string name, IJobStore store, EscalaOptions settings, CancellationToken ct) => SetPausedAsync(name, false, store, settings, ct))
            .WithSummary("Lease the queue's jobs again.");
        return v1;
    }

    private static async Task<IResult> ListAsync(HttpContext http, IJobStore store, EscalaOptions settings, CancellationToken ct)
    {
        var counts = (await store.CountByQueueAsync(http.Tenant(), ct)).ToDictionary(c => c.Queue, StringComparer.Ordinal);
        var paused = await store.GetPausedQueuesAsync(ct);
        return Results.Ok(new
        {
            queues = settings.Queues.Values.OrderBy(q => q.Name, StringComparer.Ordinal).Select(q => new
            {
                name = q.Name,
                paused = paused.Contains(q.Name),
                concurrency = q.Concurrency,
                external = q.External,
                maxAttempts = q.MaxAttempts,
                timeout = Durations.Format(q.Timeout),
                counts = JobStates.All.ToDictionary(s => s.ToWire(), s => counts.TryGetValue(q.Name, out var c) ? c[s] : 0),
            }),
        });
    }

    private static async Task<IResult> SetPausedAsync(string name, bool paused, IJobStore store, EscalaOptions settings, CancellationToken ct)
    {
        if (settings.FindQueue(name) is null)
        {
            return Problems.NotFound($"Queue '{name}'");
        }

        await store.SetQueuePausedAsync(name, paused, ct);
        return Results.Ok(new { name, paused });
    }
}
