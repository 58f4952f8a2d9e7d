using Escala.Configuration;
using Escala.Storage;
using Escala.Telemetry;
using Escala.Watching;

namespace Escala.Client;

/// <summary>
/// Submits and manages jobs: the store calls behind the API, the CLI and the bench, after the
/// <see cref="JobRequestValidator"/> accepted the request. Every method is scoped by tenant. To wait for
/// a job, use the <see cref="JobWatcher"/>.
/// </summary>
public sealed class JobClient(IJobStore store, EscalaOptions settings, JobWatcher watcher, EscalaMetrics metrics, TimeProvider time,
    Caching.ResultCache? cache = null)
{
    private readonly JobRequestValidator _validator = new(settings);

    public async Task<InsertResult> SubmitAsync(string tenant, JobRequest request, CancellationToken ct)
    {
        var results = await SubmitManyAsync(tenant, [request], "", ct);
        return results[0];
    }

    /// <summary>Validates every request first; on any error nothing is inserted. Field paths start with <paramref name="fieldPrefix"/> (e.g. <c>jobs</c>).</summary>
    public async Task<IReadOnlyList<InsertResult>> SubmitManyAsync(string tenant, IReadOnlyList<JobRequest> requests, string fieldPrefix, CancellationToken ct)
    {
        using var activity = EscalaTracing.Source.StartActivity("jobs submit");
        activity?.SetTag("escala.jobs", requests.Count);
        var now = time.GetUtcNow();
        var jobs = _validator.Validate(tenant, requests, fieldPrefix, now);
        if (cache is not null)
        {
            jobs = await cache.ApplyAsync(tenant, jobs, ct);
        }

        if (jobs.Count > 1 && jobs.Any(j => j.IdempotencyKey is not null))
        {
            // A batch that reuses a key with another body is refused whole, before anything is written.
            await IdempotencyConflicts.ThrowIfAnyBeforeAsync(jobs, async key =>
                (await store.ListAsync(new JobQuery { Tenant = tenant, IdempotencyKey = key, Limit = 1 }, ct)).Jobs is [var stored, ..] ? stored : null,
                fieldPrefix);
        }

        var results = await UniqueConflicts.InsertAnyAsync(store, jobs, now, fieldPrefix, ct);
        IdempotencyConflicts.ThrowIfAny(jobs, results, fieldPrefix);
        foreach (var result in results)
        {
            if (result.Created)
            {
                metrics.Submitted(result.Job.Queue, result.Job.Kind);
            }
        }

        return results;
    }

    public Task<Jobs.Job?> GetAsync(string tenant, long id, CancellationToken ct) => store.GetAsync(tenant, id, ct);

    public Task<JobPage> ListAsync(JobQuery query, CancellationToken ct) => store.ListAsync(query, ct);

    public async Task<CancelResult> CancelAsync(string tenant, long id, CancellationToken ct)
    {
        var result = await store.CancelAsync(tenant, id, time.GetUtcNow(), ct);
        if (result.Status is CancelStatus.Cancelled or CancelStatus.Requested)
        {
            watcher.Signal(id);
            if (result.Status == CancelStatus.Requested)
            {
                CancelRequested?.Invoke(id);
            }
        }

        return result;
    }

    /// <summary>Raised when a running job was asked to cancel, so a local runner can stop it without waiting for a heartbeat.</summary>
    public event Action<long>? CancelRequested;

    public async Task<RetryResult> RetryAsync(string tenant, long id, CancellationToken ct)
    {
        var result = await store.RetryAsync(tenant, id, time.GetUtcNow(), ct);
        if (result.Status == RetryStatus.Retried)
        {
            watcher.Signal(id);
        }

        return result;
    }
}
