using Escala.Configuration;
using Escala.Governance;
using Escala.Storage;

namespace Escala.Server.Api;

/// <summary><c>/v1/resources</c> (limits, use, waiting jobs, breakers) and <c>/v1/nodes</c> (the registry).</summary>
public static class ClusterEndpoints
{
    public static RouteGroupBuilder MapCluster(this RouteGroupBuilder v1)
    {
        v1.MapGet("/resources", ResourcesAsync).WithTags("Resources")
            .WithSummary("Each governed resource: limits, jobs running and waiting, breaker state and pauses.");
        v1.MapGet("/nodes", NodesAsync).WithTags("Nodes").WithSummary("Live nodes of the cluster.");
        return v1;
    }

    private static async Task<IResult> ResourcesAsync(IJobStore store, EscalaSettings settings, ResourceGovernor governor, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var usage = (await store.GetResourceUsageAsync(now, ct)).ToDictionary(u => u.Name, StringComparer.Ordinal);
        var breakers = governor.BreakerStates();
        return Results.Ok(new
        {
            resources = settings.Resources.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(r =>
            {
                var u = usage.GetValueOrDefault(r.Name);
                var breaker = breakers.TryGetValue(r.Name, out var state) ? ResourceGovernor.Wire(state) : null;
                var paused = u?.PausedUntil is { } until && until > now ? u.PausedUntil : null;
                return new
                {
                    name = r.Name,
                    concurrency = r.Concurrency,
                    rate = r.Rate?.ToString(),
                    running = u?.Running ?? 0,
                    waiting = u?.Waiting ?? 0,
                    rateTokens = u?.Tokens,
                    breaker,
                    pausedUntil = paused,
                    pauseReason = paused is null ? null : u!.PauseReason,
                    waitingReason = WaitingReason(r, u, breaker, paused),
                };
            }),
        });
    }

    /// <summary>Why jobs needing the resource wait, in words, or null when nothing holds them.</summary>
    private static string? WaitingReason(ResourceSettings resource, ResourceUsage? usage, string? breaker, DateTimeOffset? paused)
    {
        if (breaker == "open" || (paused is not null && usage?.PauseReason == "breaker open"))
        {
            return $"waiting: resource {resource.Name}, breaker open";
        }

        if (paused is not null)
        {
            return $"waiting: resource {resource.Name}, paused ({usage!.PauseReason})";
        }

        if (resource.Concurrency is { } limit && usage is { } u && u.Running >= limit && u.Waiting > 0)
        {
            return $"waiting: resource {resource.Name}, concurrency limit {limit} reached";
        }

        return null;
    }

    private static async Task<IResult> NodesAsync(IJobStore store, EscalaSettings settings, TimeProvider time, CancellationToken ct)
    {
        var nodes = await store.ListNodesAsync(time.GetUtcNow() - settings.NodeTtl, ct);
        return Results.Ok(new { nodes });
    }
}
