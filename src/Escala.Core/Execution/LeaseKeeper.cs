using Escala.Configuration;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// Extends the leases of every job running on this node before they expire, and learns from the store
/// which jobs lost their lease (rescued elsewhere: stop and discard) or were asked to cancel (stop and
/// report cancelled).
/// </summary>
internal sealed class LeaseKeeper(JobRunner runner, IJobStore store, EscalaOptions settings, TimeProvider time, ILogger logger)
{
    private const int MaxBatch = 1000;

    public async Task RunAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(settings.Execution.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                await BeatOnceAsync(stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public async Task BeatOnceAsync(CancellationToken ct)
    {
        try
        {
            foreach (var chunk in runner.Running.Select(r => r.Job.Lease).Chunk(MaxBatch))
            {
                var result = await store.HeartbeatAsync(chunk, time.GetUtcNow() + settings.Execution.LeaseDuration, ct);
                foreach (var id in result.Lost)
                {
                    runner.Stop(id, StopReason.LeaseLost);
                }

                foreach (var id in result.CancelRequested)
                {
                    runner.Stop(id, StopReason.Cancelled);
                }
            }
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // The next beat tries again; leases are long enough to survive a missed beat or two.
            Log.StoreFailed(logger, ex, "heartbeat", settings.Execution.HeartbeatInterval);
        }
    }
}
