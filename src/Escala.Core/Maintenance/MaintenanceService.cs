using Escala.Configuration;
using Escala.Execution.Attempts;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Escala.Maintenance;

/// <summary>
/// Runs on every node: keeps the node in the registry and competes for leadership. Only the leader does
/// the housekeeping: promotes due scheduled and retryable jobs, rescues jobs whose lease expired or whose
/// attempt overran its hard deadline (through the <see cref="AttemptLifecycle"/>: the attempt counts, the job
/// is retried or dead, its slot is free), and prunes finished jobs past their queue's retention.
/// When the leader dies its leadership expires and another node takes over.
/// </summary>
public sealed class MaintenanceService(
    EscalaSettings settings,
    IJobStore store,
    AttemptLifecycle attempts,
    TimeProvider time,
    ILogger<MaintenanceService> logger) : BackgroundService
{
    private const int BatchLimit = 1000;
    private readonly DateTimeOffset _startedAt = time.GetUtcNow();
    private DateTimeOffset _nextBeat;
    private DateTimeOffset _nextLead;
    private DateTimeOffset _nextPromote;
    private DateTimeOffset _nextRescue;
    private DateTimeOffset _nextPrune;

    /// <summary>True while this node holds the maintenance leadership.</summary>
    public bool IsLeader { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromTicks(Math.Min(settings.PromoteInterval.Ticks, TimeSpan.FromMilliseconds(500).Ticks));
        using var timer = new PeriodicTimer(tick, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            if (IsLeader)
            {
                await store.ResignAsync(settings.NodeId, cancellationToken);
                IsLeader = false;
            }

            await store.RemoveNodeAsync(settings.NodeId, cancellationToken);
        }
        catch (Exception ex)
        {
            Log.StoreFailed(logger, ex, "maintenance shutdown", TimeSpan.Zero);
        }
    }

    /// <summary>One round of whatever is due. Store failures are logged and retried at the next tick.</summary>
    public async Task RunOnceAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        try
        {
            if (now >= _nextLead)
            {
                var leads = await store.TryLeadAsync(settings.NodeId, settings.LeaderTtl, now, ct);
                if (leads != IsLeader)
                {
                    if (leads)
                    {
                        Log.BecameLeader(logger, settings.NodeId);
                    }
                    else
                    {
                        Log.LostLeadership(logger, settings.NodeId);
                    }

                    // The registry shows the change now, not at the next heartbeat (up to a third of NodeTtl later).
                    _nextBeat = now;
                }

                IsLeader = leads;
                _nextLead = now + (settings.LeaderTtl / 3);
            }

            if (now >= _nextBeat)
            {
                await store.BeatNodeAsync(new NodeInfo(settings.NodeId, settings.Role, Environment.MachineName, _startedAt, now, IsLeader), ct);
                _nextBeat = now + (settings.NodeTtl / 3);
            }

            if (!IsLeader)
            {
                return;
            }

            if (now >= _nextPromote)
            {
                while (await store.PromoteDueAsync(now, BatchLimit, ct) == BatchLimit)
                {
                }

                _nextPromote = now + settings.PromoteInterval;
            }

            if (now >= _nextRescue)
            {
                await attempts.RescueAsync(BatchLimit, ct);
                _nextRescue = now + settings.RescueInterval;
            }

            if (now >= _nextPrune)
            {
                await PruneAsync(now, ct);
                _nextPrune = now + settings.PruneInterval;
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            Log.StoreFailed(logger, ex, "maintenance", settings.PromoteInterval);
        }
    }

    private async Task PruneAsync(DateTimeOffset now, CancellationToken ct)
    {
        var defaultCutoff = now - settings.Queues[QueueDefaults.DefaultQueue].Retention;
        var cutoffs = settings.Queues.Values.ToDictionary(q => q.Name, q => now - q.Retention, StringComparer.Ordinal);
        var total = 0;
        int pruned;
        do
        {
            pruned = await store.PruneAsync(new PruneRequest(defaultCutoff, cutoffs, BatchLimit), ct);
            total += pruned;
        }
        while (pruned == BatchLimit && !ct.IsCancellationRequested);

        if (total > 0)
        {
            Log.Pruned(logger, total);
        }
    }
}
