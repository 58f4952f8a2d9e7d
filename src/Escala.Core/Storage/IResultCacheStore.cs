namespace Escala.Storage;

/// <summary>
/// The store as the result cache's shared level: completed jobs that asked to be cached (<see cref="Jobs.NewJob.CacheKey"/>)
/// are its entries, so every node finds them. Implemented by every driver and covered by the conformance suite.
/// </summary>
public interface IResultCacheStore
{
    /// <summary>
    /// The result of the newest job of <paramref name="tenant"/> stored with <paramref name="cacheKey"/> that completed after
    /// <paramref name="since"/>, with when it completed; null when there is none.
    /// </summary>
    Task<CachedResult?> FindCachedResultAsync(string tenant, string cacheKey, DateTimeOffset since, CancellationToken ct);
}

/// <summary>A cached result and when the job that produced it completed.</summary>
public sealed record CachedResult(string? Result, DateTimeOffset CompletedAt);
