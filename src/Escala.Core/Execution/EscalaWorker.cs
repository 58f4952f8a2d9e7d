using Escala.Client;
using Escala.Configuration;
using Escala.Execution.Attempts;
using Escala.Governance;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// The worker side of a node: one producer per queue, the runner, the completer and the lease keeper.
/// Shutdown is three steps: stop leasing; give in-flight jobs the grace period; hand back what is
/// still running, so another node (or this one, restarted) runs it without waiting for a lease to expire.
/// </summary>
public sealed class EscalaWorker : IHostedService, IAsyncDisposable
{
    private readonly EscalaOptions _settings;
    private readonly IJobStore _store;
    private readonly JobClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly JobRunner _runner;
    private readonly JobCompleter _completer;
    private readonly LeaseKeeper _keeper;
    private readonly List<QueueProducer> _producers = [];
    private readonly CancellationTokenSource _stopLeasing = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly List<Task> _producerTasks = [];
    private Task _completerTask = Task.CompletedTask;
    private Task _keeperTask = Task.CompletedTask;
    private IDisposable? _subscription;
    private bool _started;

    public EscalaWorker(EscalaOptions settings, IJobStore store, HandlerRegistry handlers, ResourceGovernor governor, JobClient client,
        AttemptLifecycle lifecycle, WorkerKinds workerKinds, EscalaMetrics metrics, TimeProvider time, ILogger<EscalaWorker> logger,
        Workflows.WorkflowClient? workflows = null)
    {
        _settings = settings;
        _store = store;
        _client = client;
        _time = time;
        _logger = logger;
        var governed = settings.Resources.Count > 0 || settings.Queues.Values.Any(q => q.TenantConcurrency is not null);
        _completer = new JobCompleter(store, lifecycle, time, logger, governed ? WakeProducers : null);
        _runner = new JobRunner(handlers, _completer, lifecycle, time, logger, workflows);
        _keeper = new LeaseKeeper(_runner, store, settings, time, logger);

        // A node leases only what it can run: kinds it has no handler for wait for an external worker.
        var kinds = handlers.Kinds.Order(StringComparer.Ordinal).ToArray();
        if (kinds.Length > 0)
        {
            foreach (var queue in settings.Queues.Values.Where(q => !q.External).OrderBy(q => q.Name, StringComparer.Ordinal))
            {
                _producers.Add(new QueueProducer(queue, kinds, workerKinds, store, _runner, governor, settings, metrics, time, logger));
            }
        }
    }

    /// <summary>Jobs running on this node now, by queue.</summary>
    public IReadOnlyDictionary<string, int> RunningByQueue() => _producers.ToDictionary(p => p.Queue.Name, p => p.Running, StringComparer.Ordinal);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_settings.RunsWorkers || _started)
        {
            return Task.CompletedTask;
        }

        _started = true;
        var byName = _producers.ToDictionary(p => p.Queue.Name, StringComparer.Ordinal);
        _subscription = _store.SubscribeAvailable(queue =>
        {
            if (byName.TryGetValue(queue, out var producer))
            {
                producer.Wake();
            }
        });
        _client.CancelRequested += OnCancelRequested;
        _completerTask = Task.Run(() => _completer.RunAsync(_hardStop.Token), CancellationToken.None);
        _keeperTask = Task.Run(() => _keeper.RunAsync(_hardStop.Token), CancellationToken.None);
        foreach (var producer in _producers)
        {
            _producerTasks.Add(Task.Run(() => producer.RunAsync(_stopLeasing.Token), CancellationToken.None));
        }

        Log.WorkerStarted(_logger, _settings.NodeId, string.Join(",", byName.Keys));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            return;
        }

        _started = false;
        _client.CancelRequested -= OnCancelRequested;
        _subscription?.Dispose();
        Log.Stopping(_logger, _runner.Count, _settings.Execution.ShutdownGrace);
        await _stopLeasing.CancelAsync();
        await Task.WhenAll(_producerTasks);

        var deadline = _time.GetUtcNow() + _settings.Execution.ShutdownGrace;
        while (_runner.Count > 0 && _time.GetUtcNow() < deadline && !cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time, CancellationToken.None);
        }

        var handedBack = _runner.ReleaseAll();
        if (handedBack > 0)
        {
            Log.HandedBack(_logger, handedBack);
        }

        _completer.Complete();
        try
        {
            // A store that is down gets a few seconds more; after that the leases expire and the rescuer takes over.
            await _completerTask.WaitAsync(TimeSpan.FromSeconds(10), _time, CancellationToken.None);
        }
        catch (TimeoutException)
        {
        }

        await _hardStop.CancelAsync();
        await _keeperTask;
    }

    /// <summary>Completions were committed: slots they held are free cluster-wide, so every producer leases again.</summary>
    private void WakeProducers()
    {
        foreach (var producer in _producers)
        {
            producer.Wake();
        }
    }

    private void OnCancelRequested(long jobId) => _runner.Stop(jobId, StopReason.Cancelled);

    public ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
        _stopLeasing.Dispose();
        _hardStop.Dispose();
        return ValueTask.CompletedTask;
    }
}
