using Escala.Configuration;
using Escala.Execution;
using Escala.Governance;
using Escala.Governance.Tokens;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary>Why jobs needing a resource wait, in words: "waiting: resource llm, breaker open".</summary>
internal static class ResourceWaiting
{
    /// <summary>The reason for one resource, or null when nothing holds its jobs back.</summary>
    /// <param name="limit">Its concurrency limit now (<see cref="ResourceGovernor.ConcurrencyLimit"/>: an adaptive one moves).</param>
    public static string? Reason(ResourceOptions resource, ResourceUsage? usage, string? breaker, DateTimeOffset now, int? limit) =>
        Held(resource, usage, breaker, now) ?? Full(resource, usage, limit);

    /// <summary>The breaker or a pause holds the resource's jobs back; null when neither does.</summary>
    private static string? Held(ResourceOptions resource, ResourceUsage? usage, string? breaker, DateTimeOffset now)
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

        return null;
    }

    /// <summary>The resource's global concurrency (<paramref name="limit"/>, adaptive or fixed) is reached while jobs wait; null otherwise.</summary>
    private static string? Full(ResourceOptions resource, ResourceUsage? usage, int? limit) =>
        limit is { } l && usage is { } u && u.Running >= l && u.Waiting > 0
            ? $"waiting: resource {resource.Name}, {(resource.Concurrency?.Adaptive is null ? "" : "adaptive ")}concurrency limit {l} reached"
            : null;

    /// <summary>
    /// The resource's rate window or token budget is used up (read from the store's logs, cluster-wide); null when
    /// neither is, or the store cannot say.
    /// </summary>
    public static async Task<string?> WindowReasonAsync(ResourceOptions resource, IJobStore store, DateTimeOffset now, CancellationToken ct) =>
        await RateReasonAsync(resource, store, now, ct)
        ?? BudgetReason(resource, resource.Tokens is { } budget && store is ITokenLedger ledger
            ? await TokenWindow.UsedAsync(ledger, resource.Name, budget, now, ct)
            : null);

    /// <summary>The tokens used in each token budget's window, by resource name; empty when the store keeps no ledger.</summary>
    public static async Task<Dictionary<string, long>> TokensUsedAsync(EscalaOptions settings, IJobStore store, DateTimeOffset now, CancellationToken ct)
    {
        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var resource in settings.Resources.Values)
        {
            if (resource.Tokens is { } budget && store is ITokenLedger ledger)
            {
                used[resource.Name] = await TokenWindow.UsedAsync(ledger, resource.Name, budget, now, ct);
            }
        }

        return used;
    }

    /// <summary>
    /// The <see cref="WindowReasonAsync"/> of each resource that has jobs waiting, by name (for <c>/v1/resources</c>),
    /// given the <paramref name="tokensUsed"/> already read (<see cref="TokensUsedAsync"/>).
    /// </summary>
    public static async Task<Dictionary<string, string>> WindowReasonsAsync(EscalaOptions settings, IReadOnlyDictionary<string, ResourceUsage> usage,
        IReadOnlyDictionary<string, long> tokensUsed, IJobStore store, DateTimeOffset now, CancellationToken ct)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in settings.Resources.Values)
        {
            if (usage.GetValueOrDefault(resource.Name)?.Waiting > 0
                && (await RateReasonAsync(resource, store, now, ct) ?? BudgetReason(resource, tokensUsed.TryGetValue(resource.Name, out var used) ? used : null)) is { } reason)
            {
                reasons[resource.Name] = reason;
            }
        }

        return reasons;
    }

    private static async Task<string?> RateReasonAsync(ResourceOptions resource, IJobStore store, DateTimeOffset now, CancellationToken ct) =>
        resource.Rate is { } rate && store is IAdmissionInsight insight && await insight.StartsSinceAsync(resource.Name, now - rate.Per, ct) >= rate.Permits
            ? $"waiting: resource {resource.Name}, rate limit {rate} reached"
            : null;

    private static string? BudgetReason(ResourceOptions resource, long? tokensUsed) =>
        resource.Tokens is { } budget && tokensUsed >= budget.Permits ? $"waiting: resource {resource.Name}, token budget {budget} used" : null;

    /// <summary>The job's key is at a per-key limit of the resource; null when it has no key or is under them.</summary>
    private static async Task<string?> PerKeyReasonAsync(Job job, ResourceOptions resource, IJobStore store, DateTimeOffset now, CancellationToken ct)
    {
        if (resource.PerKey is not { } perKey || store is not IAdmissionInsight insight)
        {
            return null;
        }

        var since = now - (perKey.Rate?.Per ?? TimeSpan.Zero);
        if (await insight.KeyStandingAsync(job.Tenant, job.Id, resource.Name, since, ct) is not { } standing)
        {
            return null;
        }

        if (perKey.Concurrency is { } limit && standing.Running >= limit)
        {
            return $"waiting: resource {resource.Name}, per-key concurrency limit {limit} reached for key {standing.Key}";
        }

        return perKey.Rate is { } rate && standing.StartsInWindow >= rate.Permits
            ? $"waiting: resource {resource.Name}, per-key rate limit {rate} reached for key {standing.Key}"
            : null;
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
        var resources = job.Resources.Select(name => settings.Resources.GetValueOrDefault(name)).OfType<ResourceOptions>().ToList();
        foreach (var resource in resources)
        {
            if (Held(resource, usage.GetValueOrDefault(resource.Name), breakers.TryGetValue(resource.Name, out var state) ? ResourceGovernor.Wire(state) : null, now) is { } held)
            {
                return held;
            }
        }

        foreach (var resource in resources)
        {
            if (await PerKeyReasonAsync(job, resource, store, now, ct) is { } perKey)
            {
                return perKey;
            }

            if (Full(resource, usage.GetValueOrDefault(resource.Name), governor.ConcurrencyLimit(resource)) is { } full)
            {
                // Jobs of other keys or tenants wait for it too: the job waits for its fair turn, not for their backlog.
                var groups = store is IAdmissionInsight insight ? await insight.WaitingGroupsAsync(job.Queue, FairShare.MaxGroups, ct) : 0;
                return groups > 1 ? $"{full}; fair share: takes turns with {groups - 1} other keys or tenants" : full;
            }

            if (await WindowReasonAsync(resource, store, now, ct) is { } window)
            {
                return window;
            }
        }

        return null;
    }
}
