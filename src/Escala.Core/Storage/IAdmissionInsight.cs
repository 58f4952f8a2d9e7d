namespace Escala.Storage;

/// <summary>
/// What the API reads to say which limit holds a waiting job back (<c>waitingReason</c> of a job and of
/// <c>/v1/resources</c>): a resource's starts in its rate window, a job's standing against its key's per-key limits, and
/// how many fair-share groups wait. Reads only, outside any lease; implemented by every driver and covered by the
/// conformance suite.
/// </summary>
public interface IAdmissionInsight
{
    /// <summary>Starts recorded on <paramref name="resource"/> (its global rate log) after <paramref name="since"/>.</summary>
    Task<int> StartsSinceAsync(string resource, DateTimeOffset since, CancellationToken ct);

    /// <summary>
    /// Job <paramref name="jobId"/>'s concurrency key and that key's use of <paramref name="resource"/>: its running jobs
    /// needing the resource and its starts on it after <paramref name="since"/>; null when the job has no key or is not found.
    /// </summary>
    Task<KeyStanding?> KeyStandingAsync(string tenant, long jobId, string resource, DateTimeOffset since, CancellationToken ct);

    /// <summary>Fair-share groups (tenant and key) with available jobs needing a resource in <paramref name="queue"/>, counted up to <paramref name="max"/>.</summary>
    Task<int> WaitingGroupsAsync(string queue, int max, CancellationToken ct);
}

/// <summary>A job's key and that key's use of one resource.</summary>
/// <param name="Key">The job's concurrency key.</param>
/// <param name="Running">The key's running jobs needing the resource, cluster-wide.</param>
/// <param name="StartsInWindow">The key's starts on the resource within the window asked for.</param>
public sealed record KeyStanding(string Key, long Running, int StartsInWindow);
