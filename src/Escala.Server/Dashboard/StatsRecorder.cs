using System.Diagnostics.Metrics;
using Escala.Governance;
using Escala.Telemetry;

namespace Escala.Server.Dashboard;

/// <summary>
/// Feeds the dashboard's history from what the engine already reports: listens to this node's Escala
/// instruments (submitted, completed, failed, attempt duration) into a <see cref="StatsRing"/>, and to the
/// governor's breaker changes into a <see cref="BreakerHistory"/>. Nothing in the engine knows about it.
/// </summary>
public sealed class StatsRecorder : IHostedService, IDisposable
{
    private readonly EscalaMetrics _metrics;
    private readonly ResourceGovernor _governor;
    private readonly TimeProvider _time;
    private readonly MeterListener _listener = new();

    public StatsRecorder(EscalaMetrics metrics, ResourceGovernor governor, TimeProvider time)
    {
        _metrics = metrics;
        _governor = governor;
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // This node's meter only: tests run several nodes in one process, each with its own meter of the same name.
            if (ReferenceEquals(instrument.Meter, _metrics.Meter) && instrument.Name is EscalaMeter.JobsSubmitted
                or EscalaMeter.JobsCompleted or EscalaMeter.JobsFailed or EscalaMeter.JobDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            var now = _time.GetUtcNow();
            switch (instrument.Name)
            {
                case EscalaMeter.JobsSubmitted: Ring.Submitted(now, value); break;
                case EscalaMeter.JobsCompleted: Ring.Completed(now, value); break;
                case EscalaMeter.JobsFailed: Ring.Failed(now, value); break;
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            if (instrument.Name == EscalaMeter.JobDuration)
            {
                Ring.Duration(_time.GetUtcNow(), TimeSpan.FromSeconds(value));
            }
        });
    }

    public StatsRing Ring { get; } = new();

    public BreakerHistory Breakers { get; } = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener.Start();
        _governor.BreakerChanged += OnBreakerChanged;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _governor.BreakerChanged -= OnBreakerChanged;
        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();

    private void OnBreakerChanged(string resource, BreakerState state) =>
        Breakers.Add(resource, ResourceGovernor.Wire(state), _time.GetUtcNow());
}
