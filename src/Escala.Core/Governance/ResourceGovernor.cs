using Escala.Configuration;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using Microsoft.Extensions.Logging;

namespace Escala.Governance;

/// <summary>
/// This node's view of the governed resources: builds each queue's <see cref="Admission"/> for the store
/// to apply at lease time, keeps a breaker per resource, and turns an open breaker or a dependency's
/// Retry-After into a cluster-wide pause in the store, so every node holds the jobs back.
/// </summary>
public sealed partial class ResourceGovernor
{
    /// <summary>Least time between two store writes that end a cluster-wide half-open after successes.</summary>
    private static readonly TimeSpan StoreCloseInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often an adaptive limit is read from the store when this node has nothing to tell it.</summary>
    private static readonly TimeSpan AdaptiveReadInterval = TimeSpan.FromSeconds(1);

    /// <summary>Least time between two log lines about one resource's adaptive limit.</summary>
    private static readonly TimeSpan AdaptiveLogInterval = TimeSpan.FromSeconds(5);

    private readonly EscalaOptions _settings;
    private readonly IJobStore _store;
    private readonly EscalaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Breaker> _breakers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _nextStoreClose = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AdaptiveState> _adaptive = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private Dictionary<string, Admission> _admissions = new(StringComparer.Ordinal);
    private int _gateVersion;
    private int _builtVersion = -1;

    public ResourceGovernor(EscalaOptions settings, IJobStore store, EscalaMetrics metrics, TimeProvider time, ILogger<ResourceGovernor> logger)
    {
        _settings = settings;
        _store = store;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        foreach (var (name, resource) in settings.Resources)
        {
            if (resource.Breaker is { } breaker)
            {
                _breakers[name] = new Breaker(breaker);
            }

            if (resource.Concurrency?.Adaptive is { } adaptive)
            {
                _adaptive[name] = new AdaptiveState(adaptive, new AdaptiveLimiter(adaptive, time));
            }
        }
    }

    /// <summary>The limits a lease of <paramref name="queue"/> must respect now.</summary>
    public Admission AdmissionFor(QueueOptions queue)
    {
        if (_settings.Resources.Count == 0 && queue.TenantConcurrency is null)
        {
            return Admission.None;
        }

        lock (_lock)
        {
            var now = _time.GetUtcNow();
            ReadAdaptiveLimits(now);
            foreach (var breaker in _breakers.Values)
            {
                var before = breaker.State;
                if (breaker.Gate(now).State != before)
                {
                    _gateVersion++;
                }
            }

            if (_builtVersion != _gateVersion)
            {
                _admissions = new Dictionary<string, Admission>(StringComparer.Ordinal);
                _builtVersion = _gateVersion;
            }

            if (!_admissions.TryGetValue(queue.Name, out var admission))
            {
                admission = Build(queue, now);
                _admissions[queue.Name] = admission;
            }

            return admission;
        }
    }

    /// <summary>The breaker state of each resource that has one.</summary>
    public IReadOnlyDictionary<string, BreakerState> BreakerStates()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            return _breakers.ToDictionary(b => b.Key, b => b.Value.Gate(now).State, StringComparer.Ordinal);
        }
    }

    /// <summary>Records an attempt's outcome for the resources the job needs.</summary>
    /// <param name="job">The job that ran.</param>
    /// <param name="transientFailure">True when the attempt failed transiently (counts for breakers).</param>
    /// <param name="retryAfter">The dependency asked to wait this long: pause its resources cluster-wide.</param>
    /// <param name="signal">What the attempt says about load, for adaptive limits.</param>
    /// <param name="elapsed">How long the attempt ran (its latency for adaptive limits); null for the time since the job's lease.</param>
    public void Record(Job job, bool transientFailure, TimeSpan? retryAfter, AdaptiveSignal signal = AdaptiveSignal.Neutral, TimeSpan? elapsed = null)
    {
        if (job.Resources.Count == 0)
        {
            return;
        }

        var now = _time.GetUtcNow();
        foreach (var resource in job.Resources)
        {
            if (job.AttemptedAt is { } started)
            {
                RecordAdaptive(resource, started, signal, elapsed);
            }

            if (retryAfter is { } wait && wait > TimeSpan.Zero && _settings.Resources.ContainsKey(resource))
            {
                Pause(resource, now + wait, "dependency asked to retry later (429)");
            }

            BreakerState? changed;
            DateTimeOffset openUntil;
            var closeInStore = false;
            lock (_lock)
            {
                if (!_breakers.TryGetValue(resource, out var breaker))
                {
                    continue;
                }

                changed = breaker.Record(transientFailure, now);
                openUntil = breaker.OpenUntil;
                if (changed is not null)
                {
                    _gateVersion++;
                }

                // Another node's breaker may have left the resource half-open in the store: a success here ends
                // that too. Tried at once when this node's own breaker closes, else at most once a second.
                if (!transientFailure && (changed == BreakerState.Closed || now >= _nextStoreClose.GetValueOrDefault(resource)))
                {
                    _nextStoreClose[resource] = now + StoreCloseInterval;
                    closeInStore = true;
                }
            }

            if (closeInStore)
            {
                _ = CloseInStoreAsync(resource, now);
            }

            if (changed is { } state)
            {
                var name = Wire(state);
                _metrics.BreakerTransition(resource, name);
                if (state == BreakerState.Open)
                {
                    Log.BreakerOpened(_logger, resource, openUntil - now);
                    Pause(resource, openUntil, BreakerPause.Reason);
                }
                else
                {
                    Log.BreakerChanged(_logger, resource, name);
                }

                BreakerChanged?.Invoke(resource, state);
            }
        }
    }

    /// <summary>Raised after a breaker changes state (resource, new state).</summary>
    public event Action<string, BreakerState>? BreakerChanged;

    public static string Wire(BreakerState state) => state switch
    {
        BreakerState.Open => "open",
        BreakerState.HalfOpen => "half_open",
        _ => "closed",
    };

    private void Pause(string resource, DateTimeOffset until, string reason)
    {
        Log.ResourcePaused(_logger, resource, until, reason);
        _ = PauseInStoreAsync(resource, until, reason);
    }

    private async Task PauseInStoreAsync(string resource, DateTimeOffset until, string reason)
    {
        try
        {
            await _store.PauseResourceAsync(resource, until, reason, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The local breaker still holds this node's jobs back; other nodes learn from their own failures.
            Log.StoreFailed(_logger, ex, "resource pause", TimeSpan.Zero);
        }
    }

    private async Task CloseInStoreAsync(string resource, DateTimeOffset now)
    {
        try
        {
            if (await _store.CloseBreakerAsync(resource, now, CancellationToken.None))
            {
                Log.BreakerChanged(_logger, resource, "closed (cluster-wide)");
            }
        }
        catch (Exception ex)
        {
            // The next success tries again.
            Log.StoreFailed(_logger, ex, "breaker close", TimeSpan.Zero);
        }
    }

    private Admission Build(QueueOptions queue, DateTimeOffset now)
    {
        var limits = new Dictionary<string, ResourceLimit>(StringComparer.Ordinal);
        foreach (var (name, resource) in _settings.Resources)
        {
            var gate = _breakers.TryGetValue(name, out var breaker) ? breaker.Gate(now) : BreakerGate.Closed;
            var concurrency = _adaptive.TryGetValue(name, out var adaptive) ? adaptive.Limiter.Current : resource.Concurrency?.Fixed;
            limits[name] = new ResourceLimit(name, concurrency, resource.Rate, gate) { Probes = resource.Breaker?.Probes ?? 1, Tokens = resource.Tokens };
            if (resource.PerKey is { } perKey)
            {
                limits[name] = limits[name] with { PerKey = new KeyLimit(perKey.Concurrency, perKey.Rate) };
            }
        }

        return new Admission { Resources = limits, TenantConcurrency = queue.TenantConcurrency, TenantWeights = queue.TenantWeights };
    }
}
