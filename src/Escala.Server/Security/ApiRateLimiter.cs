using System.Threading.RateLimiting;
using Escala.Governance;
using Escala.Storage;

namespace Escala.Server.Security;

/// <summary>
/// The API's rate limits (<c>security:rateLimits</c>): per key, per client address, per route and key, and
/// global. On one node they are ASP.NET Core's fixed-window limiters; when the store serves many nodes
/// (PostgreSQL) each limit is a fixed-window counter in the store, so the limit holds for the cluster.
/// </summary>
public sealed class ApiRateLimiter : IDisposable
{
    private readonly SecuritySettings _security;
    private readonly IKeyStore _keys;
    private readonly TimeProvider _time;
    private readonly bool _shared;
    private readonly Dictionary<RateLimit, PartitionedRateLimiter<string>> _local = [];

    public ApiRateLimiter(SecuritySettings security, IKeyStore keys, IJobStore store, TimeProvider time)
    {
        _security = security;
        _keys = keys;
        _time = time;
        _shared = store.Capabilities.MultiNode;
        foreach (var rate in new[] { security.PerKey, security.PerIp, security.Global }.Concat(security.Routes.Values).OfType<RateLimit>().Distinct())
        {
            _local[rate] = PartitionedRateLimiter.Create<string, string>(partition => RateLimitPartition.GetFixedWindowLimiter(partition,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = rate.Permits, Window = rate.Per, QueueLimit = 0, AutoReplenishment = true }));
        }
    }

    public bool Enabled => _local.Count > 0;

    /// <summary>Null when the request may go on; otherwise how long to wait.</summary>
    public async ValueTask<TimeSpan?> CheckAsync(string route, string method, string? callerKey, string address, CancellationToken ct)
    {
        var routeKey = method + " " + route;
        var checks = new List<(RateLimit Rate, string Counter)>(4);
        if (_security.Global is { } global)
        {
            checks.Add((global, "global"));
        }

        if (_security.PerIp is { } perIp)
        {
            checks.Add((perIp, "ip:" + address));
        }

        if (_security.PerKey is { } perKey && callerKey is not null)
        {
            checks.Add((perKey, callerKey));
        }

        if (_security.Routes.TryGetValue(routeKey, out var perRoute))
        {
            checks.Add((perRoute, routeKey + "|" + (callerKey ?? "ip:" + address)));
        }

        foreach (var (rate, counter) in checks)
        {
            if (await WaitAsync(rate, counter, ct) is { } wait)
            {
                return wait;
            }
        }

        return null;
    }

    private async ValueTask<TimeSpan?> WaitAsync(RateLimit rate, string counter, CancellationToken ct)
    {
        if (!_shared)
        {
            using var lease = _local[rate].AttemptAcquire(counter);
            return lease.IsAcquired ? null
                : lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : rate.Per;
        }

        var now = _time.GetUtcNow();
        var ticks = now.UtcTicks - (now.UtcTicks % rate.Per.Ticks);
        var window = new DateTimeOffset(ticks, TimeSpan.Zero);
        var hits = await _keys.HitAsync($"{rate}|{counter}", window, window - rate.Per, ct);
        return hits <= rate.Permits ? null : window + rate.Per - now;
    }

    public void Dispose()
    {
        foreach (var limiter in _local.Values)
        {
            limiter.Dispose();
        }
    }
}
