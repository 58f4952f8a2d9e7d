namespace Escala.Governance;

/// <summary>
/// The round robin's memory: per queue, the group a lease admitted last, so the next lease starts its ties with the
/// group after it. Kept by each store in memory (one writer on SQLite; per node on PostgreSQL, where each node still
/// rotates); losing it on restart only restarts the round.
/// </summary>
public sealed class FairTurns
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FairGroup> _last = new(StringComparer.Ordinal);

    /// <summary>The group admitted last from <paramref name="queue"/>; null before any.</summary>
    public FairGroup? ServedLast(string queue) => _last.TryGetValue(queue, out var group) ? group : null;

    /// <summary>Records <paramref name="group"/> as served last in <paramref name="queue"/>; null changes nothing.</summary>
    public void Served(string queue, FairGroup? group)
    {
        if (group is { } served)
        {
            _last[queue] = served;
        }
    }
}
