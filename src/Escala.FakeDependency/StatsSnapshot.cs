namespace Escala.FakeDependency;

/// <summary>What <c>GET /_stats/{name}</c> returns.</summary>
/// <param name="Total">Requests received, whatever they answered.</param>
/// <param name="InFlight">Requests being answered right now.</param>
/// <param name="MaxConcurrency">Most requests ever in flight at once, counting the ones refused for the cap.</param>
/// <param name="Violations">Requests refused with 503 because more than <c>cap</c> were in flight.</param>
/// <param name="ByStatus">Answered requests by HTTP status; 499 means the client went away first.</param>
/// <param name="StartTimesUnixMs">Start time of each request, oldest first, the last 10,000 only.</param>
public sealed record StatsSnapshot(
    string Name,
    long Total,
    long InFlight,
    long MaxConcurrency,
    long Violations,
    IReadOnlyDictionary<string, long> ByStatus,
    IReadOnlyList<long> StartTimesUnixMs);
