using System.Collections.Concurrent;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// Keeps the cluster's record of which kinds workers ask for (a node's handlers as its producers lease, an
/// external worker's <c>kinds</c> on each lease call), and tells why an available job of a kind nobody asked
/// for waits: "waiting: no worker has leased kind X from queue Q".
/// </summary>
public sealed class WorkerKinds(IJobStore store, TimeProvider time, ILogger<WorkerKinds> logger)
{
    private const string AnyKind = "*";
    private readonly ConcurrentDictionary<(string Queue, string Kind), DateTimeOffset> _recorded = new();
    private readonly IWorkerKindsStore? _store = store as IWorkerKindsStore;

    /// <summary>A worker leases <paramref name="kinds"/> (null: every kind) of <paramref name="queue"/>. Recorded in the background, at most every 30 s per kind.</summary>
    public void Seen(string queue, IReadOnlyList<string>? kinds)
    {
        if (_store is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        List<string>? due = null;
        foreach (var kind in kinds ?? [AnyKind])
        {
            if (!_recorded.TryGetValue((queue, kind), out var at) || now - at >= WorkerKindsDefaults.RecordInterval)
            {
                _recorded[(queue, kind)] = now;
                (due ??= []).Add(kind);
            }
        }

        if (due is not null)
        {
            _ = RecordAsync(queue, kinds is null ? null : due, now);
        }
    }

    /// <summary>Why an available job waits for want of a worker for its kind; null when some worker asked for it lately (or for other states).</summary>
    public async Task<string?> WaitingReasonAsync(Job job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (_store is null || job.State != JobState.Available)
        {
            return null;
        }

        var served = await _store.IsKindServedAsync(job.Queue, job.Kind, time.GetUtcNow() - WorkerKindsDefaults.ServedWithin, ct);
        return served ? null : $"waiting: no worker has leased kind {job.Kind} from queue {job.Queue}";
    }

    private async Task RecordAsync(string queue, IReadOnlyList<string>? kinds, DateTimeOffset now)
    {
        try
        {
            await _store!.RecordKindsAsync(queue, kinds, now, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Only a waiting reason depends on it; the next lease records again.
            foreach (var kind in kinds ?? [AnyKind])
            {
                _recorded.TryRemove((queue, kind), out _);
            }

            Log.StoreFailed(logger, ex, "worker kinds", WorkerKindsDefaults.RecordInterval);
        }
    }
}
