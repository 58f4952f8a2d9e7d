using Escala.Configuration;
using Escala.Governance;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Execution;

/// <summary>
/// Feeds one queue's worker pool: leases jobs in batches, never more than the pool's free slots, and
/// hands them to the <see cref="JobRunner"/>. Wakes when jobs arrive (store notification), when a slot
/// frees, or at the poll interval. Admission control happens in the store, at lease time: a job held
/// back for its resources never takes a slot here.
/// </summary>
internal sealed class QueueProducer
{
    private readonly AsyncSignal _wake = new();
    private readonly IJobStore _store;
    private readonly JobRunner _runner;
    private readonly ResourceGovernor _governor;
    private readonly EscalaSettings _settings;
    private readonly EscalaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _kinds;
    private readonly WorkerKinds _workerKinds;
    private int _running;

    /// <param name="kinds">The kinds this node has handlers for: the only ones it leases.</param>
    public QueueProducer(QueueSettings queue, IReadOnlyList<string> kinds, WorkerKinds workerKinds, IJobStore store, JobRunner runner, ResourceGovernor governor,
        EscalaSettings settings, EscalaMetrics metrics, TimeProvider time, ILogger logger)
    {
        Queue = queue;
        _kinds = kinds;
        _workerKinds = workerKinds;
        _store = store;
        _runner = runner;
        _governor = governor;
        _settings = settings;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public QueueSettings Queue { get; }

    /// <summary>Jobs of this queue running on this node.</summary>
    public int Running => Volatile.Read(ref _running);

    public void Wake() => _wake.Set();

    public void OnJobFinished()
    {
        Interlocked.Decrement(ref _running);
        _wake.Set();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        var failDelay = TimeSpan.FromMilliseconds(250);
        DateTimeOffset? failingSince = null;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await LeaseWhileRoomAsync(stopping);
                if (failingSince is { } since)
                {
                    Log.StoreBack(_logger, $"producer {Queue.Name}", _time.GetUtcNow() - since);
                    failingSince = null;
                    failDelay = TimeSpan.FromMilliseconds(250);
                }

                await _wake.WaitAsync(_settings.PollInterval, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failingSince ??= _time.GetUtcNow();
                Log.StoreFailed(_logger, ex, $"producer {Queue.Name}", failDelay);
                try
                {
                    await Task.Delay(failDelay, _time, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                failDelay = TimeSpan.FromTicks(Math.Min(failDelay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }

    private async Task LeaseWhileRoomAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var free = Queue.Concurrency - Running;
            if (free <= 0)
            {
                return;
            }

            var max = Math.Min(free, Queue.FetchBatch);
            _workerKinds.Seen(Queue.Name, _kinds);
            var now = _time.GetUtcNow();
            var jobs = await _store.LeaseAsync(new LeaseRequest
            {
                Queue = Queue.Name,
                Holder = _settings.NodeId,
                Max = max,
                Now = now,
                LeaseFor = _settings.LeaseDuration,
                Admission = _governor.AdmissionFor(Queue),
                Kinds = _kinds,
            }, stopping);

            foreach (var job in jobs)
            {
                Interlocked.Increment(ref _running);
                _metrics.Leased(Queue.Name, now - job.RunAt);
                _runner.Start(job, this);
            }

            if (jobs.Count < max)
            {
                return;
            }
        }
    }
}
