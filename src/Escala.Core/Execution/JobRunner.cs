using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Escala.Configuration;
using Escala.Execution.Attempts;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// Runs leased jobs: finds the handler, applies the soft timeout (the handler's token fires) and the hard
/// timeout (the attempt is failed and its slot freed even if the handler ignores its token), and turns
/// whatever happened into exactly one outcome for the <see cref="JobCompleter"/>. Never throws. What an
/// outcome means (retry policy, error cap, metrics, breakers) is the <see cref="AttemptLifecycle"/>'s.
/// </summary>
internal sealed class JobRunner
{
    private readonly ConcurrentDictionary<long, RunningJob> _running = new();
    private readonly HandlerRegistry _handlers;
    private readonly JobCompleter _completer;
    private readonly AttemptLifecycle _lifecycle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<JobContext, string, CancellationToken, Task> _reportProgress;

    private readonly Workflows.WorkflowClient? _workflows;

    public JobRunner(HandlerRegistry handlers, JobCompleter completer, AttemptLifecycle lifecycle, TimeProvider time, ILogger logger,
        Workflows.WorkflowClient? workflows = null)
    {
        _workflows = workflows;
        _handlers = handlers;
        _completer = completer;
        _lifecycle = lifecycle;
        _time = time;
        _logger = logger;
        _reportProgress = ReportProgressAsync;
    }

    public int Count => _running.Count;

    public IEnumerable<RunningJob> Running => _running.Values;

    /// <summary>Starts the attempt on the thread pool and returns at once.</summary>
    public void Start(Job job, QueueProducer producer)
    {
        var run = new RunningJob(job, producer, _time);
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
            if (Finish(run, new JobOutcome.Released(_time.GetUtcNow(), "node shut down before the job finished"), null))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>Runs one attempt to its outcome. Internal so engine tests can await it.</summary>
    internal async Task RunAsync(RunningJob run)
    {
        var job = run.Job;
        var queue = run.Producer.Queue;
        var timeout = job.Timeout ?? queue.Timeout;
        using var activity = EscalaTracing.Source.StartActivity("job " + job.Kind, ActivityKind.Consumer, EscalaTracing.ParentOf(job.Traceparent));
        activity?.SetTag("escala.job.id", job.Id).SetTag("escala.queue", job.Queue).SetTag("escala.attempt", job.Attempt);
        using var scope = _logger.BeginScope(new JobLogScope(job));
        Log.JobStarted(_logger, job.Id, job.Queue, job.Kind, job.Attempt);
        JobOutcome outcome;
        AttemptFailure? failure = null;
        Task<object?>? task = null;
        try
        {
            var handler = _handlers.Find(job.Kind) ?? throw new PermanentJobException($"No handler for kind '{job.Kind}' on this node.");
            task = handler.ExecuteAsync(new JobContext(job, _reportProgress) { Workflows = _workflows }, run.Token);
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
            failure = AttemptFailure.Timeout($"Hard timeout after {Durations.Format(timeout + queue.HardTimeoutGrace)}: the handler ignored cancellation.");
            outcome = _lifecycle.Fail(job, failure, _time.GetUtcNow());
        }
        catch (Exception ex) when (run.Token.IsCancellationRequested && ex is OperationCanceledException or TimeoutException)
        {
            switch (run.Reason)
            {
                case StopReason.Cancelled:
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
                    failure = AttemptFailure.Timeout($"Timed out after {Durations.Format(timeout)}.");
                    outcome = _lifecycle.Fail(job, failure, _time.GetUtcNow());
                    break;
            }
        }
        catch (PermanentJobException ex)
        {
            failure = AttemptFailure.PermanentFailure(ex.Message);
            outcome = _lifecycle.Fail(job, failure, _time.GetUtcNow());
        }
        catch (TransientJobException ex)
        {
            // A dependency's Retry-After (429) pauses its resources cluster-wide, as a throttled external failure does.
            failure = AttemptFailure.Transient(ex.Message, ex.RetryAfter, throttled: ex.RetryAfter is not null);
            outcome = _lifecycle.Fail(job, failure, _time.GetUtcNow());
        }
        catch (Exception ex)
        {
            failure = AttemptFailure.Transient($"{ex.GetType().Name}: {ex.Message}");
            outcome = _lifecycle.Fail(job, failure, _time.GetUtcNow());
        }

        if (outcome is JobOutcome.Failed failed)
        {
            activity?.SetStatus(ActivityStatusCode.Error, failed.Error.Kind);
        }

        // Logged here, inside the attempt's scope and trace; metrics and breakers once the store applied it.
        _lifecycle.LogOutcome(job, outcome);

        Finish(run, outcome, failure);
    }

    /// <summary>Reports the outcome once, frees the slot and wakes the producer.</summary>
    private bool Finish(RunningJob run, JobOutcome outcome, AttemptFailure? failure)
    {
        if (!run.TryFinish())
        {
            return false;
        }

        _completer.Enqueue(new FinishedAttempt(run.Job, outcome, failure, _time.GetUtcNow() - run.StartedAt),
            run.Job.Resources.Count > 0 || run.Producer.Queue.TenantConcurrency is not null);
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
        var report = await _lifecycle.ProgressAsync(context.Job, context.Job.LeaseToken ?? "", progress, ct);
        if (!report.Held)
        {
            Stop(context.JobId, StopReason.LeaseLost);
        }
    }
}
