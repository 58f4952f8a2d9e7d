using Escala.Jobs;
using Escala.Storage;

namespace Escala.Execution.Attempts;

// External workers: lease (long poll), and the reports that end an attempt.
public sealed partial class AttemptLifecycle
{
    /// <summary>Longest long poll of one lease call.</summary>
    public static readonly TimeSpan MaxLeaseWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Leases up to <see cref="ExternalLease.Max"/> jobs from the queues in order, under the same admission control
    /// as in-process workers; when none is available, waits up to <see cref="ExternalLease.Wait"/> for one.
    /// </summary>
    public async Task<IReadOnlyList<LeasedAttempt>> LeaseAsync(ExternalLease request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var wait = request.Wait > MaxLeaseWait ? MaxLeaseWait : request.Wait;
        var deadline = _time.GetUtcNow() + wait;
        var names = request.Queues.Select(q => q.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in names)
        {
            _kinds.Seen(name, request.Kinds);
        }

        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _store.SubscribeAvailable(queue =>
        {
            if (names.Contains(queue))
            {
                wake.TrySetResult();
            }
        });
        while (true)
        {
            var leased = new List<LeasedAttempt>();
            foreach (var queue in request.Queues)
            {
                if (leased.Count >= request.Max)
                {
                    break;
                }

                var jobs = await _store.LeaseAsync(new LeaseRequest
                {
                    Queue = queue.Name,
                    Holder = request.Holder,
                    Max = request.Max - leased.Count,
                    Now = _time.GetUtcNow(),
                    LeaseFor = _settings.LeaseDuration,
                    Admission = _governor.AdmissionFor(queue),
                    Kinds = request.Kinds,
                    Tenant = request.Tenant,
                }, ct);
                leased.AddRange(jobs.Select(job => new LeasedAttempt(job, AttemptDeadlines.For(job, queue))));
            }

            var left = deadline - _time.GetUtcNow();
            if (leased.Count > 0 || left <= TimeSpan.Zero)
            {
                return leased;
            }

            try
            {
                // Wake-ups can be missed (another node's NOTIFY while reconnecting): look again every second anyway.
                await wake.Task.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), _time, ct);
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

    /// <summary>The worker finished the attempt with a result (JSON text or null).</summary>
    public Task<AttemptReport> CompleteAsync(Job job, string token, string? result, CancellationToken ct) =>
        ReportAsync(job, token, _ => new JobOutcome.Succeeded(result), null, ct);

    /// <summary>The worker's attempt failed; the retry policy decides what becomes of the job.</summary>
    public Task<AttemptReport> FailAsync(Job job, string token, AttemptFailure failure, CancellationToken ct) =>
        ReportAsync(job, token, now => Fail(job, failure, now), failure, ct);

    /// <summary>The worker stopped because cancel was requested: the job ends cancelled, not retried, not counted by any breaker.</summary>
    public Task<AttemptReport> CancelAsync(Job job, string token, string reason, CancellationToken ct) =>
        ReportAsync(job, token, _ => new JobOutcome.Cancelled(reason), null, ct);

    /// <summary>The worker hands the job back unfinished (shutdown): it is available again at once and the attempt does not count.</summary>
    public Task<AttemptReport> ReleaseAsync(Job job, string token, string reason, CancellationToken ct) =>
        ReportAsync(job, token, now => new JobOutcome.Released(now, reason), null, ct);

    /// <summary>
    /// Applies a worker's report to the attempt <paramref name="job"/> (as just read) runs under <paramref name="token"/>.
    /// An attempt past its hard deadline is failed with <c>timeout</c> instead, and the report refused.
    /// </summary>
    private async Task<AttemptReport> ReportAsync(Job job, string token, Func<DateTimeOffset, JobOutcome> outcomeAt, AttemptFailure? failure, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.State != JobState.Running || !string.Equals(job.LeaseToken, token, StringComparison.Ordinal))
        {
            return AttemptReport.NotHeld;
        }

        var now = _time.GetUtcNow();
        var deadlines = DeadlinesOf(job);
        if (deadlines.HardDeadline is { } hard && now > hard)
        {
            await ApplyAsync([(job, HardTimeout(job, deadlines, now))], now, ct);
            return AttemptReport.Overdue;
        }

        var outcome = outcomeAt(now);
        var applied = await _store.CompleteAsync([new Completion(new LeaseRef(job.Id, token), outcome)], now, ct);
        if (!applied[0])
        {
            return AttemptReport.NotHeld;
        }

        Applied(job, outcome, failure, Elapsed(job, now));
        return new AttemptReport(AttemptReportStatus.Applied, outcome);
    }
}
