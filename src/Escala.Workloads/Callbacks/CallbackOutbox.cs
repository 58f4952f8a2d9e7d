using Escala.Configuration;
using Escala.Maintenance;
using Escala.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Escala.Workloads.Callbacks;

/// <summary>
/// Runs on every node; acts only while the node leads maintenance. Every half second it takes the due rows of the
/// callbacks' outbox (<see cref="ICallbackStore.DueCallbacksAsync"/>), POSTs each through the
/// <see cref="CallbackDispatcher"/> and records the outcome: delivered; failed for good (egress refused, the job is
/// gone, or <c>callbacks:maxAttempts</c> spent); else retried after <c>callbacks:backoff</c> × 2^(attempt−1), at most
/// <c>callbacks:maxBackoff</c>. Rows live in the store, so a restart or a new leader loses none (a POST whose outcome
/// was not recorded is sent again: receivers deduplicate on <c>Escala-Delivery</c>).
/// </summary>
public sealed partial class CallbackOutbox(
    ICallbackStore store,
    CallbackDispatcher dispatcher,
    MaintenanceService maintenance,
    EscalaOptions settings,
    TimeProvider time,
    ILogger<CallbackOutbox> logger) : BackgroundService
{
    private const int BatchLimit = 50;

    /// <summary>Callbacks POSTed at once: a slow receiver holds one of them, not the whole batch.</summary>
    private const int Parallelism = 8;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CallbackDefaults.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!maintenance.IsLeader || string.IsNullOrEmpty(settings.Callbacks.Secret))
                {
                    continue;
                }

                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    StoreFailed(logger, ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends every due callback once, up to <see cref="Parallelism"/> at a time. Returns how many were delivered.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var delivered = 0;
        var due = await store.DueCallbacksAsync(time.GetUtcNow(), BatchLimit, ct);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (callback, token) =>
        {
            if (await SendAsync(callback, token))
            {
                Interlocked.Increment(ref delivered);
            }
        });
        return delivered;
    }

    private async Task<bool> SendAsync(PendingCallback callback, CancellationToken ct)
    {
        var attempts = callback.Attempts + 1;
        var payload = callback.Payload ?? (callback.Job is { } job ? CallbackPayload.For(job) : null);
        if (payload is null)
        {
            await store.RecordCallbackAsync(new CallbackAttempt(callback.Id, attempts, null, null, time.GetUtcNow(), null, "the job no longer exists"), ct);
            return false;
        }

        var outcome = await dispatcher.SendAsync(callback.Url, payload, callback.Id, ct);
        var now = time.GetUtcNow();
        if (outcome.Delivered)
        {
            await store.RecordCallbackAsync(new CallbackAttempt(callback.Id, attempts, payload, now, null, null, null), ct);
            return true;
        }

        var giveUp = outcome.Permanent || attempts >= settings.Callbacks.MaxAttempts;
        var backoff = TimeSpan.FromTicks(Math.Min(settings.Callbacks.MaxBackoff.Ticks,
            settings.Callbacks.Backoff.Ticks * (1L << Math.Min(attempts - 1, 30))));
        await store.RecordCallbackAsync(new CallbackAttempt(callback.Id, attempts, payload, null, giveUp ? now : null, giveUp ? null : now + backoff,
            outcome.Error), ct);
        Failed(logger, callback.Id, attempts, outcome.Error ?? "", giveUp);
        return false;
    }

    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "Callback {Id} attempt {Attempt} failed: {Error}; given up: {GivenUp}")]
    private static partial void Failed(ILogger logger, long id, int attempt, string error, bool givenUp);

    [LoggerMessage(EventId = 8202, Level = LogLevel.Warning, Message = "Callbacks outbox: store failed; retrying")]
    private static partial void StoreFailed(ILogger logger, Exception exception);
}
