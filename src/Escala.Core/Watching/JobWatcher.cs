using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Watching;

/// <summary>
/// The one way to wait for a job to change (<c>?wait=</c>, SSE, and anything later). It reads statuses only
/// (state, attempt, progress: never arguments or results), all watched jobs of this node in one batched read,
/// and it wakes at once on changes made here (<see cref="Signal"/>), on changes made on other nodes
/// (<see cref="IJobStatusStore.SubscribeChanged"/>: PostgreSQL NOTIFY), and otherwise every
/// <see cref="JobWatcherDefaults.Poll"/>. An entry lives exactly as long as someone waits on the job.
/// </summary>
public sealed class JobWatcher : IAsyncDisposable
{
    private readonly Dictionary<long, Watch> _watches = [];
    private readonly Lock _lock = new();
    private readonly HashSet<long> _dirty = [];
    private readonly IJobStatusStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly IDisposable _subscription;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _all;
    private int _count;
    private Task? _loop;

    public JobWatcher(IJobStatusStore store, TimeProvider time, ILogger<JobWatcher> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _subscription = store.SubscribeChanged(SignalAll);
    }

    /// <summary>Jobs watched now (entries held); zero once every waiter has returned.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The job changed on this node: its watchers read it again now.</summary>
    public void Signal(long jobId)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        lock (_lock)
        {
            if (!_watches.ContainsKey(jobId))
            {
                return;
            }

            _dirty.Add(jobId);
            _wake.TrySetResult();
        }
    }

    /// <summary>Jobs may have changed elsewhere: every watched job is read again now.</summary>
    public void SignalAll()
    {
        lock (_lock)
        {
            if (_watches.Count == 0)
            {
                return;
            }

            _all = true;
            _wake.TrySetResult();
        }
    }

    /// <summary>The tenant's job's status now; null when it does not exist for that tenant.</summary>
    public Task<JobStatus?> GetAsync(string tenant, long id, CancellationToken ct) => _store.GetStatusAsync(tenant, id, ct);

    /// <summary>
    /// Waits until the job's status differs from <paramref name="seen"/> (any status when null), at most
    /// <paramref name="timeout"/>. Returns the status then (the same as <paramref name="seen"/> on timeout), or
    /// null when the job does not exist for <paramref name="tenant"/> (or was deleted meanwhile).
    /// </summary>
    public async Task<JobStatus?> WaitForChangeAsync(string tenant, long id, JobStatus? seen, TimeSpan timeout, CancellationToken ct)
    {
        var now = await _store.GetStatusAsync(tenant, id, ct);
        if (now is null || now != seen || timeout <= TimeSpan.Zero)
        {
            return now;
        }

        var (watch, changed) = Enter(id, now);
        try
        {
            await changed.WaitAsync(timeout, _time, ct);
        }
        catch (TimeoutException)
        {
        }
        finally
        {
            Leave(id, watch);
        }

        lock (_lock)
        {
            return watch.Deleted ? null : watch.Latest;
        }
    }

    /// <summary>Waits until the job is final or <paramref name="timeout"/> runs out; returns its status then (null when it does not exist).</summary>
    public async Task<JobStatus?> WaitForFinalAsync(string tenant, long id, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + timeout;
        JobStatus? seen = null;
        while (true)
        {
            var status = await WaitForChangeAsync(tenant, id, seen, seen is null ? TimeSpan.Zero : deadline - _time.GetUtcNow(), ct);
            if (status is null || status.State.IsFinal() || _time.GetUtcNow() >= deadline)
            {
                return status;
            }

            seen = status;
        }
    }

    /// <summary>Joins (or opens) the job's entry; the task completes at the next change after <paramref name="status"/>, just read.</summary>
    private (Watch Watch, Task Changed) Enter(long id, JobStatus status)
    {
        lock (_lock)
        {
            if (!_watches.TryGetValue(id, out var watch))
            {
                watch = new Watch(status);
                _watches[id] = watch;
                Volatile.Write(ref _count, _watches.Count);
            }
            else
            {
                // This read is newer than the entry's last refresh: the other waiters learn of it too.
                watch.Update(status);
            }

            watch.Waiters++;
            _loop ??= Task.Run(() => RefreshLoopAsync(_stop.Token));
            return (watch, watch.Changed);
        }
    }

    private void Leave(long id, Watch watch)
    {
        lock (_lock)
        {
            if (--watch.Waiters == 0)
            {
                _watches.Remove(id);
                _dirty.Remove(id);
                Volatile.Write(ref _count, _watches.Count);
            }
        }
    }

    private async Task RefreshLoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            Task wake;
            lock (_lock)
            {
                wake = _wake.Task;
            }

            var all = false;
            try
            {
                await wake.WaitAsync(JobWatcherDefaults.Poll, _time, stop);
            }
            catch (TimeoutException)
            {
                all = true;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            long[] ids;
            lock (_lock)
            {
                all |= _all;
                ids = all ? [.. _watches.Keys] : [.. _dirty];
                _dirty.Clear();
                _all = false;
                if (_wake.Task.IsCompleted)
                {
                    _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            try
            {
                await RefreshAsync(ids, stop);
            }
            catch (Exception ex) when (!stop.IsCancellationRequested)
            {
                // Waiters keep waiting; the next poll reads again.
                Log.StoreFailed(_logger, ex, "job watcher", JobWatcherDefaults.Poll);
            }
        }
    }

    private async Task RefreshAsync(long[] ids, CancellationToken ct)
    {
        foreach (var chunk in ids.Chunk(JobWatcherDefaults.ReadBatch))
        {
            var statuses = (await _store.GetStatusesAsync(chunk, ct)).ToDictionary(s => s.Id);
            lock (_lock)
            {
                foreach (var id in chunk)
                {
                    if (_watches.TryGetValue(id, out var watch))
                    {
                        watch.Update(statuses.GetValueOrDefault(id));
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop;
        }

        _stop.Dispose();
    }

    /// <summary>The waiters of one job and the latest status read for them.</summary>
    private sealed class Watch(JobStatus status)
    {
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Waiters { get; set; }

        public JobStatus Latest { get; private set; } = status;

        public bool Deleted { get; private set; }

        public Task Changed => _changed.Task;

        /// <summary>Called under the watcher's lock.</summary>
        public void Update(JobStatus? status)
        {
            if (status is null)
            {
                Deleted = true;
            }
            else if (status == Latest)
            {
                return;
            }
            else
            {
                Latest = status;
            }

            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
