using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;

namespace Escala.Execution.Attempts;

// The leader's side: attempts whose holder went silent, and attempts past their hard deadline.
public sealed partial class AttemptLifecycle
{
    /// <summary>
    /// Fails attempts whose lease expired (failure kind <c>lease_expired</c>: not the dependency's fault, no breaker)
    /// and attempts past their hard deadline wherever they run (kind <c>timeout</c>, counted like an in-process
    /// hard timeout); both are retried per policy and their slots are free at once. Returns how many.
    /// </summary>
    public async Task<int> RescueAsync(int limit, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var rescued = new List<(Job, (JobOutcome, AttemptFailure))>();
        foreach (var job in await _store.GetExpiredLeasesAsync(now, limit, ct))
        {
            var failure = AttemptFailure.LeaseExpired($"Lease expired: holder {job.LeasedBy} stopped heartbeating.");
            rescued.Add((job, (Fail(job, failure, now), failure)));
        }

        if (_store is IAttemptStore attempts)
        {
            var seen = rescued.Select(r => r.Item1.Id).ToHashSet();
            foreach (var job in await attempts.GetOverdueAsync(OverdueQueryAt(now, limit), ct))
            {
                if (seen.Add(job.Id))
                {
                    rescued.Add((job, HardTimeout(job, DeadlinesOf(job), now)));
                }
            }
        }

        if (rescued.Count > 0)
        {
            await ApplyAsync(rescued, now, ct);
            Log.Rescued(_logger, rescued.Count);
        }

        return rescued.Count;
    }

    private OverdueQuery OverdueQueryAt(DateTimeOffset now, int limit)
    {
        var byQueue = _settings.Queues.Values.ToDictionary(q => q.Name, q => new AttemptLimit(q.Timeout, q.HardTimeoutGrace), StringComparer.Ordinal);
        return new OverdueQuery(now, byQueue[Configuration.QueueDefaults.DefaultQueue], byQueue, limit);
    }

    private (JobOutcome, AttemptFailure) HardTimeout(Job job, AttemptDeadlines deadlines, DateTimeOffset now)
    {
        var failure = AttemptFailure.Timeout(
            $"Hard timeout: the attempt ran past {Escala.Durations.Format(deadlines.HardTimeout)} (timeout plus grace) without reporting.");
        return (Fail(job, failure, now), failure);
    }

    /// <summary>Stores the outcomes in one call and records the ones applied.</summary>
    private async Task ApplyAsync(List<(Job Job, (JobOutcome Outcome, AttemptFailure Failure) End)> ends, DateTimeOffset now, CancellationToken ct)
    {
        var applied = await _store.CompleteAsync([.. ends.Select(e => new Completion(e.Job.Lease, e.End.Outcome))], now, ct);
        for (var i = 0; i < ends.Count; i++)
        {
            if (applied[i])
            {
                Applied(ends[i].Job, ends[i].End.Outcome, ends[i].End.Failure, Elapsed(ends[i].Job, now));
            }
        }
    }
}
