using Escala.Configuration;

namespace Escala.Server.Hosting;

/// <summary>
/// The first step of a shutdown: keep serving for <see cref="ExecutionOptions.DrainDelay"/> while
/// <c>/health/ready</c> answers 503, so load balancers stop sending requests before the listener closes and
/// no request is cut off mid-flight. Then the workers stop (grace period, hand-back) and the server last.
/// </summary>
internal sealed class DrainOnShutdown(EscalaOptions settings, TimeProvider time, ILogger<DrainOnShutdown> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
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
}
