using Escala.Configuration;
using Escala.Storage;
using Escala.Telemetry;

namespace Escala.Governance;

// Adaptive concurrency: each adaptive resource's AdaptiveLimiter, and the store writes that share its limit.
public sealed partial class ResourceGovernor
{
    /// <summary>The adaptive limits' current values and bounds, by resource (only resources with an adaptive limit).</summary>
    public IReadOnlyDictionary<string, AdaptiveLimitView> AdaptiveLimits()
    {
        lock (_lock)
        {
            ReadAdaptiveLimits(_time.GetUtcNow()); // a node that leases nothing (role api) still shows the cluster's limit
            return _adaptive.ToDictionary(
                a => a.Key,
                a => new AdaptiveLimitView(a.Value.Limiter.Current, a.Value.Options.Min, a.Value.Options.Max, AdaptiveLimitView.Aimd,
                    a.Value.Limiter.LastLatency, a.Value.Limiter.NoLoadLatency),
                StringComparer.Ordinal);
        }
    }

    /// <summary>The concurrency limit of <paramref name="resource"/> now: the adaptive one's current value, or the fixed one.</summary>
    public int? ConcurrencyLimit(ResourceOptions resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (_lock)
        {
            ReadAdaptiveLimits(_time.GetUtcNow());
            return _adaptive.TryGetValue(resource.Name, out var adaptive) ? adaptive.Limiter.Current : resource.Concurrency?.Fixed;
        }
    }

    private void RecordAdaptive(string resource, DateTimeOffset started, AdaptiveSignal signal, TimeSpan? elapsed)
    {
        LimitAdjustment? adjustment;
        lock (_lock)
        {
            if (!_adaptive.TryGetValue(resource, out var adaptive))
            {
                return;
            }

            var before = adaptive.Limiter.Current;
            adaptive.Limiter.Record(started, signal, elapsed);
            if (adaptive.Limiter.Current != before)
            {
                _gateVersion++; // a cut applies here at once
            }

            adjustment = adaptive.Writing ? null : adaptive.Limiter.TakeAdjustment();
            adaptive.Writing |= adjustment is not null;
        }

        if (adjustment is { } change)
        {
            _ = AdjustInStoreAsync(resource, change);
        }
    }

    /// <summary>Reads the shared limits this node has not heard of for a while (another node may have moved them). Under the lock.</summary>
    private void ReadAdaptiveLimits(DateTimeOffset now)
    {
        foreach (var (name, adaptive) in _adaptive)
        {
            if (!adaptive.Writing && now >= adaptive.NextRead)
            {
                adaptive.Writing = true;
                var read = new LimitAdjustment(0, 1, now, "read");
                _ = Task.Run(() => AdjustInStoreAsync(name, read));
            }
        }
    }

    private async Task AdjustInStoreAsync(string resource, LimitAdjustment adjustment)
    {
        var adaptive = _adaptive[resource];
        while (true)
        {
            var now = _time.GetUtcNow();
            AdaptiveLimitState? state = null;
            try
            {
                if (_store is IAdaptiveLimitStore store)
                {
                    var options = adaptive.Options;
                    state = await store.AdjustConcurrencyAsync(
                        new AdaptiveLimitChange(resource, options.Initial ?? options.Min, options.Min, options.Max, adjustment, now), CancellationToken.None);
                }
            }
            catch (Exception ex)
            {
                // The limit stays where it was; the next adjustment or read (a second later) tries again. Logged once per outage.
                if (!adaptive.StoreFailing)
                {
                    Log.StoreFailed(_logger, ex, "adaptive limit", AdaptiveReadInterval);
                }
            }

            lock (_lock)
            {
                adaptive.StoreFailing = state is null && _store is IAdaptiveLimitStore;
                var before = adaptive.Limiter.Current;
                if (state is not null)
                {
                    adaptive.Limiter.Applied(state.Limit, state.LastCut, state.Running);
                }

                adaptive.NextRead = now + AdaptiveReadInterval;
                var after = adaptive.Limiter.Current;
                if (after != before)
                {
                    _gateVersion++;
                }

                // Rate-limited: one line per resource per interval, and every cut.
                if (after != adaptive.Logged && (now >= adaptive.NextLog || adjustment.IsDecrease))
                {
                    adaptive.NextLog = now + AdaptiveLogInterval;
                    var reason = after > adaptive.Logged ? "increase" : adjustment.IsDecrease ? adjustment.Reason : "cut by another node";
                    Log.AdaptiveLimitChanged(_logger, resource, adaptive.Logged, after, reason,
                        (long)(adaptive.Limiter.LastLatency?.TotalMilliseconds ?? 0), (long)(adaptive.Limiter.NoLoadLatency?.TotalMilliseconds ?? 0),
                        adaptive.Limiter.Running ?? 0);
                    adaptive.Logged = after;
                }

                // What this node learnt while the write was in flight goes in the next one.
                if (state is null || adaptive.Limiter.TakeAdjustment() is not { } next)
                {
                    adaptive.Writing = false;
                    return;
                }

                adjustment = next;
            }
        }
    }

    /// <summary>One adaptive resource on this node. Guarded by the governor's lock.</summary>
    private sealed class AdaptiveState(AdaptiveConcurrencyOptions options, AdaptiveLimiter limiter)
    {
        public AdaptiveConcurrencyOptions Options { get; } = options;

        public AdaptiveLimiter Limiter { get; } = limiter;

        /// <summary>A store write (or read) is in flight; adjustments wait in the limiter meanwhile.</summary>
        public bool Writing { get; set; }

        public DateTimeOffset NextRead { get; set; }

        public DateTimeOffset NextLog { get; set; }

        /// <summary>The last store call failed (its failure was logged).</summary>
        public bool StoreFailing { get; set; }

        /// <summary>The limit the last log line announced.</summary>
        public int Logged { get; set; } = limiter.Current;
    }
}
