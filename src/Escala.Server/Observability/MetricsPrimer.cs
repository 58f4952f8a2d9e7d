using Escala.Configuration;
using Escala.Telemetry;

namespace Escala.Server.Observability;

/// <summary>
/// At start-up (after the meter provider listens), puts every job counter at 0 for each configured queue and
/// every breaker transition counter at 0 for each resource with a breaker, and creates the resource gauges.
/// </summary>
internal sealed class MetricsPrimer(EscalaMetrics metrics, EscalaSettings settings, ResourceGauges gauges) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(gauges);
        metrics.Prime(settings.Queues.Keys, settings.Resources.Values.Where(r => r.Breaker is not null).Select(r => r.Name));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
