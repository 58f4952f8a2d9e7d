using System.Threading.Channels;
using Escala.Execution.Attempts;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// Sends outcomes back to the store in batches: while one batch is being committed the next gathers,
/// so under load one transaction carries hundreds of completions. A failed store call is retried with
/// backoff until it succeeds or the node is stopped hard; an outcome lost that way is not lost work:
/// the job's lease expires and the rescuer runs it again. Each outcome the store applied is then recorded
/// by the <see cref="AttemptLifecycle"/> (metrics, breakers, logs, watchers); one it refused (the lease was
/// lost meanwhile) counts nowhere.
/// </summary>
internal sealed class JobCompleter
{
    private const int MaxBatch = 2000;
    private readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IJobStore _store;
    private readonly AttemptLifecycle _lifecycle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action? _stored;

    /// <param name="stored">
    /// Called after a batch that frees something admission counts is committed: slots of governed resources
    /// and tenant caps are free in the store only now, so this is when producers held back by admission
    /// should lease again.
    /// </param>
    public JobCompleter(IJobStore store, AttemptLifecycle lifecycle, TimeProvider time, ILogger logger, Action? stored = null)
    {
        _stored = stored;
        _store = store;
        _lifecycle = lifecycle;
        _time = time;
        _logger = logger;
    }

    /// <param name="attempt">The outcome to store.</param>
    /// <param name="freesAdmission">
    /// The job held something admission counts (a resource, or a slot under a tenant cap): once stored,
    /// producers held back by admission should lease again. Other completions wake nobody, since each
    /// wake costs every producer a lease statement.
    /// </param>
    public void Enqueue(FinishedAttempt attempt, bool freesAdmission = false) => _channel.Writer.TryWrite(new Pending(attempt, freesAdmission));

    /// <summary>Takes no more outcomes; <see cref="RunAsync"/> ends once the queued ones are stored.</summary>
    public void Complete() => _channel.Writer.TryComplete();

    /// <param name="hardStop">Ends the retries of a failing store (the node is going down regardless).</param>
    public async Task RunAsync(CancellationToken hardStop)
    {
        var batch = new List<Completion>(MaxBatch);
        var attempts = new List<FinishedAttempt>(MaxBatch);
        var reader = _channel.Reader;
        try
        {
            while (await reader.WaitToReadAsync(hardStop))
            {
                var freesAdmission = false;
                while (batch.Count < MaxBatch && reader.TryRead(out var pending))
                {
                    batch.Add(pending.Attempt.Completion);
                    attempts.Add(pending.Attempt);
                    freesAdmission |= pending.FreesAdmission;
                }

                var applied = await StoreAsync(batch, freesAdmission, hardStop);
                if (freesAdmission)
                {
                    _stored?.Invoke();
                }

                for (var i = 0; i < attempts.Count; i++)
                {
                    if (applied[i])
                    {
                        var attempt = attempts[i];
                        _lifecycle.Applied(attempt.Job, attempt.Outcome, attempt.Failure, attempt.Elapsed, logged: true);
                    }
                }

                batch.Clear();
                attempts.Clear();
            }
        }
        catch (OperationCanceledException) when (hardStop.IsCancellationRequested)
        {
        }
    }

    private async Task<IReadOnlyList<bool>> StoreAsync(List<Completion> batch, bool freesAdmission, CancellationToken hardStop)
    {
        var delay = TimeSpan.FromMilliseconds(100);
        DateTimeOffset? failingSince = null;
        while (true)
        {
            try
            {
                var write = _store.CompleteAsync(batch, _time.GetUtcNow(), hardStop);

                // A store that runs writes in order (one writer) applies these completions before any lease queued
                // from now on: waking producers here lets their next lease share this commit and see the freed
                // resource slots, instead of waiting for the commit and a second one. Elsewhere (PostgreSQL) a lease
                // now could not see them and would only cost a statement (12-15 % of throughput measured), so
                // there only the wake after the commit (in RunAsync) counts.
                if (freesAdmission && _store.Capabilities.OrderedWrites)
                {
                    _stored?.Invoke();
                }

                var applied = await write;
                if (failingSince is { } since)
                {
                    Log.StoreBack(_logger, "completer", _time.GetUtcNow() - since);
                }

                return applied;
            }
            catch (Exception ex) when (!hardStop.IsCancellationRequested)
            {
                failingSince ??= _time.GetUtcNow();
                Log.StoreFailed(_logger, ex, "completer", delay);
                await Task.Delay(delay, _time, hardStop);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private readonly record struct Pending(FinishedAttempt Attempt, bool FreesAdmission);
}
