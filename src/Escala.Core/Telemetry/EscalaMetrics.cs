using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Escala.Telemetry;

/// <summary>The engine's instruments. The host exports them (OpenTelemetry → Prometheus); the core only records.</summary>
public sealed class EscalaMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _completed;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _retried;
    private readonly Counter<long> _dead;
    private readonly Counter<long> _rescued;
    private readonly Counter<long> _breakerTransitions;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _leaseLatency;

    public EscalaMetrics(IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(EscalaMeter.Name) ?? new Meter(EscalaMeter.Name);
        _submitted = _meter.CreateCounter<long>(EscalaMeter.JobsSubmitted, "{job}", "Jobs accepted.");
        _completed = _meter.CreateCounter<long>(EscalaMeter.JobsCompleted, "{job}", "Jobs completed with success.");
        _failed = _meter.CreateCounter<long>(EscalaMeter.JobsFailed, "{attempt}", "Attempts that failed.");
        _retried = _meter.CreateCounter<long>(EscalaMeter.JobsRetried, "{job}", "Failed attempts that will be retried.");
        _dead = _meter.CreateCounter<long>(EscalaMeter.JobsDead, "{job}", "Jobs out of attempts or failed permanently.");
        _rescued = _meter.CreateCounter<long>(EscalaMeter.JobsRescued, "{job}", "Jobs whose lease expired and were rescued.");
        _breakerTransitions = _meter.CreateCounter<long>(EscalaMeter.BreakerTransitions, "{transition}", "Circuit breaker transitions.");
        _duration = _meter.CreateHistogram<double>(EscalaMeter.JobDuration, "s", "How long attempts ran.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300] });
        _leaseLatency = _meter.CreateHistogram<double>(EscalaMeter.LeaseLatency, "s", "From when a job could run to when it was leased.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30] });
    }

    public Meter Meter => _meter;

    /// <summary>
    /// Starts every job counter at 0 for each queue (without a kind), and each breaker's transition counter at 0
    /// for every state, so that a rate or an alert reads 0 from start-up instead of "no data".
    /// </summary>
    public void Prime(IEnumerable<string> queues, IEnumerable<string> breakerResources)
    {
        foreach (var queue in queues)
        {
            var tags = new TagList { { EscalaMeter.TagQueue, queue } };
            foreach (var counter in new[] { _submitted, _completed, _failed, _retried, _dead, _rescued })
            {
                counter.Add(0, tags);
            }
        }

        foreach (var resource in breakerResources)
        {
            foreach (var to in EscalaMeter.BreakerStates)
            {
                BreakerTransition(resource, to, 0);
            }
        }
    }

    public void Submitted(string queue, string kind) => _submitted.Add(1, Tags(queue, kind));

    public void Completed(string queue, string kind, TimeSpan duration)
    {
        var tags = Tags(queue, kind);
        _completed.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
    }

    public void Failed(string queue, string kind, TimeSpan duration, bool willRetry)
    {
        var tags = Tags(queue, kind);
        _failed.Add(1, tags);
        _duration.Record(duration.TotalSeconds, tags);
        if (willRetry)
        {
            _retried.Add(1, tags);
        }
        else
        {
            _dead.Add(1, tags);
        }
    }

    public void Rescued(string queue, string kind) => _rescued.Add(1, Tags(queue, kind));

    public void Leased(string queue, TimeSpan latency) =>
        _leaseLatency.Record(Math.Max(0, latency.TotalSeconds), new KeyValuePair<string, object?>(EscalaMeter.TagQueue, queue));

    public void BreakerTransition(string resource, string to, long count = 1) =>
        _breakerTransitions.Add(count, new KeyValuePair<string, object?>(EscalaMeter.TagResource, resource), new KeyValuePair<string, object?>(EscalaMeter.TagTo, to));

    private static TagList Tags(string queue, string kind) => new()
    {
        { EscalaMeter.TagQueue, queue },
        { EscalaMeter.TagKind, kind },
    };

    public void Dispose() => _meter.Dispose();
}
