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

    private static async Task<IResult> ResourcesAsync(IJobStore store, EscalaOptions settings, ResourceGovernor governor, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var usage = (await store.GetResourceUsageAsync(now, ct)).ToDictionary(u => u.Name, StringComparer.Ordinal);
        var breakers = governor.BreakerStates();
        var adaptive = governor.AdaptiveLimits();
        var tokensUsed = await ResourceWaiting.TokensUsedAsync(settings, store, now, ct);
        var windows = await ResourceWaiting.WindowReasonsAsync(settings, usage, tokensUsed, store, now, ct);
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
                    concurrency = governor.ConcurrencyLimit(r),
                    adaptive = adaptive.TryGetValue(r.Name, out var a)
                        ? new { min = a.Min, max = a.Max, algorithm = a.Algorithm, latencyMs = Ms(a.Latency), noLoadLatencyMs = Ms(a.NoLoadLatency) }
                        : null,
                    rate = r.Rate?.ToString(),
                    running = u?.Running ?? 0,
                    waiting = u?.Waiting ?? 0,
                    rateTokens = u?.Tokens,
                    tokens = r.Tokens?.ToString(),
                    tokensUsed = tokensUsed.TryGetValue(r.Name, out var used) ? used : (long?)null,
                    breaker,
                    pausedUntil = paused,
                    pauseReason = paused is null ? null : u!.PauseReason,
                    waitingReason = ResourceWaiting.Reason(r, u, breaker, now, governor.ConcurrencyLimit(r)) ?? windows.GetValueOrDefault(r.Name),
                };
            }),
        });
    }

    private static long? Ms(TimeSpan? duration) => duration is { } d ? (long)d.TotalMilliseconds : null;

    private static async Task<IResult> NodesAsync(IJobStore store, EscalaOptions settings, TimeProvider time, CancellationToken ct)
    {
        var nodes = await store.ListNodesAsync(time.GetUtcNow() - settings.Maintenance.NodeTtl, ct);
        return Results.Ok(new { nodes });
    }
}
