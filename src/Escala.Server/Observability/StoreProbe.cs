using Escala.Storage;
using Escala.Telemetry;

namespace Escala.Server.Observability;

/// <summary>
/// Pings the store every <see cref="Interval"/> (2 s timeout) and publishes <c>escala_store_up</c>: 1 while it
/// answers, 0 while it does not — so an alert can say "store unreachable" rather than infer it from failing jobs.
/// </summary>
internal sealed class StoreProbe : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);
    private readonly IJobStore _store;
    private readonly TimeProvider _time;
    private volatile int _up = 1;

    public StoreProbe(IJobStore store, EscalaMetrics metrics, TimeProvider time)
    {
        _store = store;
        _time = time;
        metrics.Meter.CreateObservableGauge(EscalaMeter.StoreUp, () => _up, null, "1 while the job store answers this node's pings, else 0.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            do
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                timeout.CancelAfter(PingTimeout);
                try
                {
                    _up = await _store.PingAsync(timeout.Token) ? 1 : 0;
                }
                catch (Exception) when (!stoppingToken.IsCancellationRequested)
                {
                    _up = 0;
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
