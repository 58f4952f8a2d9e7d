using Escala.Configuration;

namespace Escala.Server.Hosting;

/// <summary>
/// The first step of a shutdown: keep serving for <see cref="ExecutionOptions.DrainDelay"/> while
/// <c>/health/ready</c> answers 503, so load balancers stop sending requests before the listener closes and
/// no request is cut off mid-flight. Then the workers stop (grace period, hand-back) and the server last.
/// </summary>
/// <remarks>
/// The wait is in <see cref="IHostedLifecycleService.StoppingAsync"/>, which the host runs for every service
/// before it stops any of them. A plain <see cref="IHostedService.StopAsync"/> would come too late: the minimal
/// host registers the web server after the application's services, so it is stopped before them and the
/// listener would be closed for the whole drain.
/// </remarks>
internal sealed class DrainOnShutdown(EscalaOptions settings, TimeProvider time, ILogger<DrainOnShutdown> logger) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (settings.Execution.DrainDelay <= TimeSpan.Zero)
        {
            return;
        }

        logger.LogInformation("Draining for {DrainDelay} before stopping: /health/ready answers 503", settings.Execution.DrainDelay);
        try
        {
            await Task.Delay(settings.Execution.DrainDelay, time, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// While the node drains, every response says <c>Connection: close</c>. A balancer then opens a new connection
/// for its next request instead of reusing an idle one that the node closes when it stops: a refused connect is
/// retried on another node (HAProxy <c>retries</c>/<c>redispatch</c>, nginx <c>proxy_next_upstream</c>), but a
/// POST sent on a reused connection that closes before it answers is not, and the caller sees a cut-off response.
/// </summary>
internal static class CloseConnectionsWhileDraining
{
    public static WebApplication UseCloseConnectionsWhileDraining(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use((context, next) =>
        {
            if (stopping.IsCancellationRequested)
            {
                context.Response.Headers.Connection = "close";
            }

            return next(context);
        });
        return app;
    }
}
