using Escala.Configuration;
using Escala.Execution;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary>Why jobs needing a resource wait, in words: "waiting: resource llm, breaker open".</summary>
internal static class ResourceWaiting
{
    /// <summary>The reason for one resource, or null when nothing holds its jobs back.</summary>
    /// <param name="limit">Its concurrency limit now (<see cref="ResourceGovernor.ConcurrencyLimit"/>: an adaptive one moves).</param>
    public static string? Reason(ResourceOptions resource, ResourceUsage? usage, string? breaker, DateTimeOffset now, int? limit)
    {
        var paused = usage?.PausedUntil is { } until && until > now;
        if (breaker == "open" || (paused && usage!.PauseReason == BreakerPause.Reason))
        {
            return $"waiting: resource {resource.Name}, breaker open";
        }

        if (paused)
        {
            return $"waiting: resource {resource.Name}, paused ({usage!.PauseReason})";
        }

        if (breaker == "half_open")
        {
            return $"waiting: resource {resource.Name}, breaker half-open (probing)";
        }

        if (limit is { } l && usage is { } u && u.Running >= l && u.Waiting > 0)
        {
            return $"waiting: resource {resource.Name}, {(resource.Concurrency?.Adaptive is null ? "" : "adaptive ")}concurrency limit {l} reached";
        }

        return null;
    }

    /// <summary>
    /// Why an available job is not running yet: no worker asks for its kind, or (from the store's resource usage and
    /// this node's breakers) a resource holds it back; null for jobs in other states and jobs nothing holds back.
    /// </summary>
    public static async Task<string?> ForJobAsync(Job job, IJobStore store, EscalaOptions settings, ResourceGovernor governor, WorkerKinds kinds,
        DateTimeOffset now, CancellationToken ct)
    {
        if (await kinds.WaitingReasonAsync(job, ct) is { } noWorker)
        {
            return noWorker;
        }

        if (job.State != JobState.Available || job.Resources.Count == 0 || !job.Resources.Any(settings.Resources.ContainsKey))
        {
            return null;
        }

        var usage = (await store.GetResourceUsageAsync(now, ct)).ToDictionary(u => u.Name, StringComparer.Ordinal);
        var breakers = governor.BreakerStates();
        foreach (var name in job.Resources)
        {
            if (settings.Resources.TryGetValue(name, out var resource)
                && Reason(resource, usage.GetValueOrDefault(name), breakers.TryGetValue(name, out var state) ? ResourceGovernor.Wire(state) : null, now,
                    governor.ConcurrencyLimit(resource)) is { } reason)
            {
                return reason;
            }
        }

        return null;
    }
}
