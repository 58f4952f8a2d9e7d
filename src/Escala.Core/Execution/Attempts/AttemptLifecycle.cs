using Escala.Configuration;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Escala.Watching;
using Microsoft.Extensions.Logging;

namespace Escala.Execution.Attempts;

/// <summary>
/// The one lifecycle of an attempt, for every kind of worker: the in-process runner, external workers over
/// HTTP, and the leader's rescuer all go through it. It owns the rules that must not drift apart: the retry
/// policy, the error cap, the failure kinds, deadlines, breaker and throttle recording with the
/// <see cref="ResourceGovernor"/>, the job metrics, the log lines, and waking the job's watchers.
/// </summary>
/// <remarks>
/// Outcomes are recorded (<see cref="Applied"/>) only once the store has applied them: a report on a lease
/// that was lost counts nowhere.
/// </remarks>
public sealed partial class AttemptLifecycle
{
    private readonly EscalaOptions _settings;
    private readonly IJobStore _store;
    private readonly ResourceGovernor _governor;
    private readonly EscalaMetrics _metrics;
    private readonly JobWatcher _watcher;
    private readonly WorkerKinds _kinds;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AttemptLifecycle(EscalaOptions settings, IJobStore store, ResourceGovernor governor, EscalaMetrics metrics,
        JobWatcher watcher, WorkerKinds kinds, TimeProvider time, ILogger<AttemptLifecycle> logger)
    {
        _settings = settings;
        _store = store;
        _governor = governor;
        _metrics = metrics;
        _watcher = watcher;
        _kinds = kinds;
        _time = time;
        _logger = logger;
    }

    /// <summary>The settings of the job's queue (the default queue's when the queue is no longer configured).</summary>
    public QueueOptions QueueOf(Job job) => _settings.FindQueue(job.Queue) ?? _settings.Queues[QueueDefaults.DefaultQueue];

    /// <summary>The attempt's timeout, deadline and hard deadline.</summary>
    public AttemptDeadlines DeadlinesOf(Job job) => AttemptDeadlines.For(job, QueueOf(job));

    /// <summary>
    /// What a failed attempt makes of the job: retryable at the policy's time (never before the failure's
    /// <c>RetryAfter</c>, capped), or dead when the failure is permanent or no attempt is left. The message is capped.
    /// </summary>
    public JobOutcome.Failed Fail(Job job, AttemptFailure failure, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(failure);
        var error = new AttemptError(job.Attempt, now, Cap(failure.Message), failure.Kind);
        var retryAt = RetryPolicy.NextAttemptAt(job, QueueOf(job), now, failure.Permanent, CapRetryAfter(failure.RetryAfter), Random.Shared.NextDouble());
        return new JobOutcome.Failed(error, retryAt);
    }

    /// <summary>
    /// Records an outcome the store has applied: metrics, breakers, throttles, logs, watchers. Call exactly once
    /// per applied outcome.
    /// </summary>
    /// <param name="failure">What went wrong, for a <see cref="JobOutcome.Failed"/> outcome.</param>
    /// <param name="elapsed">How long the attempt ran; null to measure from the job's start.</param>
    /// <param name="logged">The caller already logged the outcome with <see cref="LogOutcome"/> (inside the attempt's own scope and trace).</param>
    public void Applied(Job job, JobOutcome outcome, AttemptFailure? failure = null, TimeSpan? elapsed = null, bool logged = false)
    {
        ArgumentNullException.ThrowIfNull(job);
        switch (outcome)
        {
            case JobOutcome.Succeeded:
                _metrics.Completed(job.Queue, job.Kind, elapsed ?? Elapsed(job));
                _governor.Record(job, transientFailure: false, retryAfter: null, AdaptiveSignal.Success, elapsed);
                break;
            case JobOutcome.Failed failed:
                _metrics.Failed(job.Queue, job.Kind, elapsed ?? Elapsed(job), failed.RetryAt is not null);
                if (failure?.Kind == FailureKinds.LeaseExpired)
                {
                    _metrics.Rescued(job.Queue, job.Kind);
                }
                else if (failure is not null)
                {
                    // A permanent failure means the dependency answered: it never counts against a breaker.
                    _governor.Record(job, failure.CountsForBreaker, failure.Throttled ? CapRetryAfter(failure.RetryAfter) : null,
                        failure.Throttled || failure.Kind == FailureKinds.Timeout ? AdaptiveSignal.Overload : AdaptiveSignal.Neutral, elapsed);
                }

                break;
        }

        if (!logged && outcome is not JobOutcome.Succeeded)
        {
            using var scope = _logger.BeginScope(new JobLogScope(job));
            LogOutcome(job, outcome);
        }

        _watcher.Signal(job.Id);
    }

    /// <summary>The log line of an outcome (failures, cancels, hand-backs; successes are counted, not logged). Never the job's arguments.</summary>
    public void LogOutcome(Job job, JobOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(job);
        switch (outcome)
        {
            case JobOutcome.Failed failed:
                Log.JobFailed(_logger, job.Id, job.Attempt, failed.Error.Kind,
                    failed.RetryAt is { } at ? $"retry at {at:O}" : "dead", failed.Error.Message);
                break;
            case JobOutcome.Cancelled:
                Log.JobCancelled(_logger, job.Id);
                break;
            case JobOutcome.Released released:
                Log.JobReleased(_logger, job.Id, released.Reason);
                break;
        }
    }

    /// <summary>Stores a running job's progress and wakes its watchers; tells whether the lease is still held and cancel was asked for.</summary>
    public async Task<ProgressReport> ProgressAsync(Job job, string token, string progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var now = _time.GetUtcNow();
        if (job.State == JobState.Running && string.Equals(job.LeaseToken, token, StringComparison.Ordinal)
            && DeadlinesOf(job).HardDeadline is { } hard && now > hard)
        {
            // Past the hard deadline the attempt is over, whether or not the leader's rescuer got to it yet.
            await ApplyAsync([(job, HardTimeout(job, DeadlinesOf(job), now))], now, ct);
            return new ProgressReport(false, false);
        }

        var held = await _store.SetProgressAsync(new LeaseRef(job.Id, token), progress, ct);
        if (held)
        {
            _watcher.Signal(job.Id);
        }

        return new ProgressReport(held, held && job.CancelRequested);
    }

    /// <summary>Extends leases by the lease duration; tells which were lost and which jobs were asked to cancel.</summary>
    public Task<HeartbeatResult> HeartbeatAsync(IReadOnlyList<LeaseRef> leases, CancellationToken ct) =>
        _store.HeartbeatAsync(leases, _time.GetUtcNow() + _settings.Execution.LeaseDuration, ct);

    private static TimeSpan Elapsed(Job job, DateTimeOffset now) =>
        job.AttemptedAt is { } started && now > started ? now - started : TimeSpan.Zero;

    private TimeSpan Elapsed(Job job) => Elapsed(job, _time.GetUtcNow());

    /// <summary>Caps an error message at <see cref="AttemptDefaults.MaxErrorLength"/> characters.</summary>
    public static string Cap(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Length <= AttemptDefaults.MaxErrorLength ? message : message[..AttemptDefaults.MaxErrorLength] + "…";
    }

    /// <summary>Caps a Retry-After at <see cref="AttemptDefaults.MaxRetryAfter"/>; negative becomes null.</summary>
    public static TimeSpan? CapRetryAfter(TimeSpan? retryAfter) => retryAfter switch
    {
        null => null,
        { } r when r <= TimeSpan.Zero => null,
        { } r when r > AttemptDefaults.MaxRetryAfter => AttemptDefaults.MaxRetryAfter,
        var r => r,
    };
}
