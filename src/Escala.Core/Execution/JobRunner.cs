using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Escala.Client;
using Escala.Configuration;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// Runs leased jobs: finds the handler, applies the soft timeout (the handler's token fires) and the hard
/// timeout (the attempt is failed and its slot freed even if the handler ignores its token), and turns
/// whatever happened into exactly one outcome for the <see cref="JobCompleter"/>. Never throws.
/// </summary>
internal sealed class JobRunner
{
    private readonly ConcurrentDictionary<long, RunningJob> _running = new();
    private readonly HandlerRegistry _handlers;
    private readonly JobCompleter _completer;
    private readonly ResourceGovernor _governor;
    private readonly IJobStore _store;
    private readonly JobSignals _signals;
    private readonly EscalaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<JobContext, string, CancellationToken, Task> _reportProgress;

    public JobRunner(HandlerRegistry handlers, JobCompleter completer, ResourceGovernor governor, IJobStore store,
        JobSignals signals, EscalaMetrics metrics, TimeProvider time, ILogger logger)
    {
        _handlers = handlers;
        _completer = completer;
        _governor = governor;
        _store = store;
        _signals = signals;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _reportProgress = ReportProgressAsync;
    }

    public int Count => _running.Count;

    public IEnumerable<RunningJob> Running => _running.Values;

    /// <summary>Starts the attempt on the thread pool and returns at once.</summary>
    public void Start(Job job, QueueProducer producer)
    {
        var run = new RunningJob(job, producer);
        _running[job.Id] = run;
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Runner.RunAsync(state.Run), (Runner: this, Run: run), preferLocal: false);
    }

    /// <summary>Stops one running job, if it runs here.</summary>
    public void Stop(long jobId, StopReason reason)
    {
        if (_running.TryGetValue(jobId, out var run))
        {
            run.Stop(reason);
        }
    }

    /// <summary>Hands back every job still running (shutdown after the grace period): they become available again at once.</summary>
    public int ReleaseAll()
    {
        var count = 0;
        foreach (var run in _running.Values)
        {
            run.Stop(StopReason.Shutdown);
            if (Finish(run, new JobOutcome.Released(_time.GetUtcNow(), "node shut down before the job finished")))
            {
                count++;
            }
        }

        return count;
    }

    private async Task RunAsync(RunningJob run)
    {
        var job = run.Job;
        var started = Stopwatch.GetTimestamp();
        var queue = run.Producer.Queue;
        var timeout = job.Timeout ?? queue.Timeout;
        using var activity = EscalaTracing.Source.StartActivity("job " + job.Kind, ActivityKind.Consumer, EscalaTracing.ParentOf(job.Traceparent));
        activity?.SetTag("escala.job.id", job.Id).SetTag("escala.queue", job.Queue).SetTag("escala.attempt", job.Attempt);
        using var scope = _logger.BeginScope(new JobLogScope(job));
        Log.JobStarted(_logger, job.Id, job.Queue, job.Kind, job.Attempt);
        JobOutcome outcome;
        var transient = false;
        TimeSpan? retryAfter = null;
        Task<object?>? task = null;
        try
        {
            var handler = _handlers.Find(job.Kind) ?? throw new PermanentJobException($"No handler for kind '{job.Kind}' on this node.");
            task = handler.ExecuteAsync(new JobContext(job, _reportProgress), run.Token);
            if (!task.IsCompleted)
            {
                run.StopAfter(timeout);
                await task.WaitAsync(timeout + queue.HardTimeoutGrace, _time);
            }

            var result = await task;
            outcome = new JobOutcome.Succeeded(result is null ? null : JsonSerializer.Serialize(result, JsonSerializerOptions.Web));
        }
        catch (TimeoutException) when (task is { IsCompleted: false } && run.Reason is StopReason.None or StopReason.Timeout)
        {
            Log.HardTimeout(_logger, job.Id, timeout + queue.HardTimeoutGrace);
            transient = true;
            outcome = Failure(job, queue, $"Hard timeout after {Durations.Format(timeout + queue.HardTimeoutGrace)}: the handler ignored cancellation.", FailureKinds.Timeout, null);
        }
        catch (Exception ex) when (run.Token.IsCancellationRequested && ex is OperationCanceledException or TimeoutException)
        {
            switch (run.Reason)
            {
                case StopReason.Cancelled:
                    Log.JobCancelled(_logger, job.Id);
                    outcome = new JobOutcome.Cancelled("cancelled while running");
                    break;
                case StopReason.Shutdown:
                    outcome = new JobOutcome.Released(_time.GetUtcNow(), "node shut down before the job finished");
                    break;
                case StopReason.LeaseLost:
                    Log.LeaseLost(_logger, job.Id);
                    Forget(run);
                    return;
                default:
                    transient = true;
                    outcome = Failure(job, queue, $"Timed out after {Durations.Format(timeout)}.", FailureKinds.Timeout, null);
                    break;
            }
        }
        catch (PermanentJobException ex)
        {
            outcome = Failure(job, queue, ex.Message, FailureKinds.Permanent, null, permanent: true);
        }
        catch (TransientJobException ex)
        {
            transient = true;
            retryAfter = ex.RetryAfter;
            outcome = Failure(job, queue, ex.Message, FailureKinds.Transient, ex.RetryAfter);
        }
        catch (Exception ex)
        {
            transient = true;
            outcome = Failure(job, queue, $"{ex.GetType().Name}: {ex.Message}", FailureKinds.Transient, null);
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        switch (outcome)
        {
            case JobOutcome.Succeeded:
                _metrics.Completed(job.Queue, job.Kind, elapsed);
                _governor.Record(job, transientFailure: false, retryAfter: null);
                break;
            case JobOutcome.Failed failed:
                _metrics.Failed(job.Queue, job.Kind, elapsed, failed.RetryAt is not null);
                _governor.Record(job, transient, retryAfter);
                activity?.SetStatus(ActivityStatusCode.Error, failed.Error.Kind);
                Log.JobFailed(_logger, job.Id, job.Attempt, failed.Error.Kind,
                    failed.RetryAt is { } at ? $"retry at {at:O}" : "dead", failed.Error.Message);
                break;
        }

        Finish(run, outcome);
    }

    private JobOutcome.Failed Failure(Job job, QueueSettings queue, string message, string kind, TimeSpan? retryAfter, bool permanent = false)
    {
        var now = _time.GetUtcNow();
        var error = new AttemptError(job.Attempt, now, Truncate(message), kind);
        return new JobOutcome.Failed(error, RetryPolicy.NextAttemptAt(job, queue, now, permanent, retryAfter, Random.Shared.NextDouble()));
    }

    /// <summary>Reports the outcome once, frees the slot and wakes the producer.</summary>
    private bool Finish(RunningJob run, JobOutcome outcome)
    {
        if (!run.TryFinish())
        {
            return false;
        }

        _completer.Enqueue(new Completion(run.Job.Lease, outcome), run.Job.Resources.Count > 0 || run.Producer.Queue.TenantConcurrency is not null);
        Forget(run);
        return true;
    }

    private void Forget(RunningJob run)
    {
        if (_running.TryRemove(new KeyValuePair<long, RunningJob>(run.Job.Id, run)))
        {
            run.Producer.OnJobFinished();
            run.Dispose();
        }
    }

    private async Task ReportProgressAsync(JobContext context, string progress, CancellationToken ct)
    {
        var held = await _store.SetProgressAsync(context.Job.Lease, progress, ct);
        _signals.Signal(context.JobId);
        if (!held)
        {
            Stop(context.JobId, StopReason.LeaseLost);
        }
    }

    private static string Truncate(string message) => message.Length <= 2000 ? message : message[..2000] + "…";
}
