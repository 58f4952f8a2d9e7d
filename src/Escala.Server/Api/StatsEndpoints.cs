using Escala.Configuration;
using Escala.Server.Dashboard;

namespace Escala.Server.Api;

/// <summary>
/// <c>GET /v1/stats?window=5m</c>: this node's recent activity for the dashboard's charts — jobs submitted,
/// completed and failed and attempt latency, in 60 points over the window (at most 15 minutes, at least one
/// second a point) — and each resource's latest breaker transitions. Per node and in memory: it starts
/// empty when the node starts; Prometheus keeps the long history.
/// </summary>
public static class StatsEndpoints
{
    private const int Points = 60;
    private static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(5);

    public static RouteGroupBuilder MapStats(this RouteGroupBuilder v1)
    {
        v1.MapGet("/stats", Read).WithTags("Stats")
            .WithSummary("This node's jobs submitted, completed, failed and attempt latency over the last minutes; breaker history.");
        return v1;
    }

    private static IResult Read(StatsRecorder recorder, EscalaSettings settings, TimeProvider time, string? window)
    {
        var span = DefaultWindow;
        var longest = TimeSpan.FromSeconds(StatsRing.Seconds);
        if (window is not null && (!Durations.TryParse(window, out span) || span < TimeSpan.FromMinutes(1) || span > longest))
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "window", "A duration from 1m to 15m, such as 5m.");
        }

        var step = TimeSpan.FromSeconds(Math.Max(1, (int)span.TotalSeconds / Points));
        return Results.Ok(new
        {
            node = settings.NodeId,
            window = Durations.Format(span),
            step = Durations.Format(step),
            points = recorder.Ring.Read(time.GetUtcNow(), span, step),
            breakers = settings.Resources.Keys.Order(StringComparer.Ordinal)
                .ToDictionary(name => name, name => recorder.Breakers.Of(name), StringComparer.Ordinal),
        });
    }
}
