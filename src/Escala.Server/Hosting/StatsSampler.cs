using System.Diagnostics.Metrics;
using Escala.Configuration;
using Escala.Execution;
using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;

namespace Escala.Server.Hosting;

/// <summary>
/// Samples what only the store knows (queue depth by state, resource use) every few seconds and
/// publishes it as observable gauges, so a Prometheus scrape never queries the database.
/// </summary>
public sealed class StatsSampler : BackgroundService
{
    /// <summary>
    /// How often the store is counted. Counting touches every job row (all states, all tenants) and every
    /// node does it, so it is kept to what a Prometheus scrape (usually every 15 s) can use.
    /// </summary>
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private readonly IJobStore _store;
    private readonly EscalaSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger<StatsSampler> _logger;
    private volatile IReadOnlyList<QueueCounts> _queues = [];
    private volatile IReadOnlyList<ResourceUsage> _resources = [];
    private volatile int _nodes;

    public StatsSampler(IJobStore store, EscalaSettings settings, EscalaMetrics metrics, EscalaWorker worker, ResourceGovernor governor, TimeProvider time, ILogger<StatsSampler> logger)
    {
        _store = store;
        _settings = settings;
        _time = time;
        _logger = logger;
        var meter = metrics.Meter;
        meter.CreateObservableGauge(EscalaMeter.QueueDepth, ObserveDepth, "{job}", "Jobs not yet final by queue and state, all tenants.");
        meter.CreateObservableGauge(EscalaMeter.JobsRunning, () => worker.RunningByQueue().Select(q =>
            new Measurement<long>(q.Value, new KeyValuePair<string, object?>(EscalaMeter.TagQueue, q.Key))), "{job}", "Jobs running on this node.");
        meter.CreateObservableGauge(EscalaMeter.ResourceInUse, () => ObserveResources(r => r?.Running ?? 0), "{job}", "Running jobs holding the resource, cluster-wide.");
        meter.CreateObservableGauge(EscalaMeter.ResourceWaiting, () => ObserveResources(r => r?.Waiting ?? 0), "{job}", "Available jobs waiting for the resource.");
        meter.CreateObservableGauge(EscalaMeter.BreakerState, () => governor.BreakerStates().Select(b =>
            new Measurement<int>((int)b.Value, new KeyValuePair<string, object?>(EscalaMeter.TagResource, b.Key))), null, "0 closed, 1 open, 2 half-open.");
        meter.CreateObservableGauge(EscalaMeter.Nodes, () => _nodes, "{node}", "Live nodes in the registry.");
    }

    /// <summary>The latest sample of what the store knows of each resource.</summary>
    public IReadOnlyList<ResourceUsage> Resources => _resources;

    /// <summary>The latest sample of queue counts of jobs not yet final (all tenants).</summary>
    public IReadOnlyList<QueueCounts> Queues => _queues;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            do
            {
                try
                {
                    _queues = await _store.CountActiveByQueueAsync(stoppingToken);
                    _resources = await _store.GetResourceUsageAsync(_time.GetUtcNow(), stoppingToken);
                    _nodes = (await _store.ListNodesAsync(_time.GetUtcNow() - _settings.NodeTtl, stoppingToken)).Count;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    _logger.LogDebug(ex, "Stats sample failed");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Every configured resource (zero until the store knows it) and any other the store reports.</summary>
    private IEnumerable<Measurement<long>> ObserveResources(Func<ResourceUsage?, long> value)
    {
        var known = _resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var name in _settings.Resources.Keys.Union(known.Keys, StringComparer.Ordinal))
        {
            yield return new Measurement<long>(value(known.GetValueOrDefault(name)), new KeyValuePair<string, object?>(EscalaMeter.TagResource, name));
        }
    }

    /// <summary>Every configured queue (zero until its jobs are counted) and any other queue the store holds jobs of.</summary>
    private IEnumerable<Measurement<long>> ObserveDepth()
    {
        var counted = _queues.ToDictionary(q => q.Queue, StringComparer.Ordinal);
        foreach (var name in _settings.Queues.Keys.Union(counted.Keys, StringComparer.Ordinal))
        {
            var queue = counted.GetValueOrDefault(name);
            foreach (var state in JobStates.Active)
            {
                yield return new Measurement<long>(queue?[state] ?? 0,
                    new KeyValuePair<string, object?>(EscalaMeter.TagQueue, name),
                    new KeyValuePair<string, object?>(EscalaMeter.TagState, state.ToWire()));
            }
        }
    }
}
