using Escala.Storage;

namespace Escala.Server.Hosting;

/// <summary><c>/health/live</c> (the process answers) and <c>/health/ready</c> (the store answers and the node is not stopping).</summary>
public static class HealthEndpoints
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health").ExcludeFromDescription();
        health.MapGet("/live", () => Results.Ok(new { status = "live" }));
        health.MapGet("/ready", async (IJobStore store, IHostApplicationLifetime lifetime, CancellationToken ct) =>
        {
            if (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return Results.Json(new { status = "stopping" }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(PingTimeout);
            bool ok;
            try
            {
                ok = await store.PingAsync(timeout.Token);
            }
            catch (Exception)
            {
                ok = false;
            }

            return ok
                ? Results.Ok(new { status = "ready", store = store.Capabilities.Name })
                : Results.Json(new { status = "unavailable", store = store.Capabilities.Name, reason = "store unreachable" },
                    statusCode: StatusCodes.Status503ServiceUnavailable);
        });
        return app;
    }
}
