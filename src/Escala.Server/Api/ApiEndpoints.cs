using System.Data.Common;
using Escala.Client;

namespace Escala.Server.Api;

/// <summary>Maps the <c>/v1</c> HTTP API (one file per resource in this folder) and its error mapping.</summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapEscalaApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup("/v1");
        v1.AddEndpointFilter(MapErrorsAsync);
        v1.MapJobs();
        v1.MapEvents();
        v1.MapQueues();
        v1.MapCluster();
        v1.MapWorkers();
        v1.MapDiscard();
        v1.MapStats();
        v1.MapPii();
        v1.MapWorkflows();
        v1.MapSchedules();
        return app;
    }

    /// <summary>Refusals become problem+json with the field at fault; a store outage becomes 503 with Retry-After.</summary>
    private static async ValueTask<object?> MapErrorsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (JobValidationException ex)
        {
            return Problems.Validation(ex);
        }
        catch (ApiProblemException ex)
        {
            return Problems.From(ex);
        }
        catch (Exception ex) when (ex is DbException or TimeoutException or System.Net.Sockets.SocketException
            || ex.InnerException is DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return Problems.Unavailable("The job store is unreachable and the request was not acknowledged. Retry shortly; an idempotency key makes the retry safe.");
        }
    }
}
