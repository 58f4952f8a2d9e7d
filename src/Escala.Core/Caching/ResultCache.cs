using System.Diagnostics.Metrics;
using Escala.Jobs;
using Escala.Storage;
using Escala.Telemetry;
using ZiggyCreatures.Caching.Fusion;

namespace Escala.Caching;

/// <summary>
/// Finds results for jobs submitted with a cache TTL: first in this node's memory (FusionCache), then in the store
/// (<see cref="IResultCacheStore"/>, shared by every node), and keeps what the store found in memory until it is too old.
/// Keys are scoped by tenant, so tenants never see each other's results. Counts hits and misses by kind.
/// </summary>
public sealed class ResultCache : IDisposable
{
    public const string Hits = "escala.cache.hits";
    public const string Misses = "escala.cache.misses";
    public const string HitRatio = "escala.cache.hit_ratio";

    private readonly IResultCacheStore? _store;
    private readonly TimeProvider _time;
    private readonly FusionCache _memory = new(new FusionCacheOptions { CacheName = "escala-results" });
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private long _hitCount;
    private long _lookupCount;

    public ResultCache(IJobStore store, TimeProvider time, IMeterFactory? meters = null)
    {
        _store = store as IResultCacheStore;
        _time = time;
        var meter = meters?.Create(EscalaMeter.Name) ?? new Meter(EscalaMeter.Name);
        _hits = meter.CreateCounter<long>(Hits, "{job}", "Jobs completed at submission from the result cache.");
        _misses = meter.CreateCounter<long>(Misses, "{job}", "Jobs submitted with a cache TTL that found no result.");
        meter.CreateObservableGauge(HitRatio, () => Interlocked.Read(ref _lookupCount) == 0 ? 0 : (double)Interlocked.Read(ref _hitCount) / Interlocked.Read(ref _lookupCount),
            "1", "Share of cacheable submissions served from the result cache since start.");
    }

    /// <summary>The result of an identical job of <paramref name="tenant"/> completed within <paramref name="ttl"/>, or null.</summary>
    public async Task<CachedResult?> FindAsync(string tenant, string kind, string key, TimeSpan ttl, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var memoryKey = tenant + "\u001f" + key;
        var found = await _memory.TryGetAsync<CachedResult>(memoryKey, token: ct);
        CachedResult? result = found.HasValue && found.Value.CompletedAt >= now - ttl ? found.Value : null;
        if (result is null && _store is not null)
        {
            result = await _store.FindCachedResultAsync(tenant, key, now - ttl, ct);
            if (result is not null)
            {
                await _memory.SetAsync(memoryKey, result, result.CompletedAt + ttl - now, token: ct);
            }
        }

        Interlocked.Increment(ref _lookupCount);
        var tag = new KeyValuePair<string, object?>(EscalaMeter.TagKind, kind);
        if (result is null)
        {
            _misses.Add(1, tag);
            return null;
        }

        Interlocked.Increment(ref _hitCount);
        _hits.Add(1, tag);
        return result;
    }

    /// <summary>
    /// The jobs, each asking to be cached (<see cref="NewJob.CacheKey"/>, <see cref="NewJob.CacheTtl"/>) given the stored
    /// result when one is fresh enough: it is then a hit, stored completed.
    /// </summary>
    public async Task<IReadOnlyList<NewJob>> ApplyAsync(string tenant, IReadOnlyList<NewJob> jobs, CancellationToken ct)
    {
        NewJob[]? changed = null;
        for (var i = 0; i < jobs.Count; i++)
        {
            if (jobs[i].CacheKey is { } key && jobs[i].CacheTtl is { } ttl
                && await FindAsync(tenant, jobs[i].Kind, key, ttl, ct) is { } hit)
            {
                // A hit is not itself a cache entry: its result's age is the original's.
                changed ??= [.. jobs];
                changed[i] = jobs[i] with { CachedResult = hit.Result ?? "null", CacheKey = null };
            }
        }

        return changed ?? jobs;
    }

    public void Dispose() => _memory.Dispose();
}
