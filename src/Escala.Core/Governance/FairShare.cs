namespace Escala.Governance;

/// <summary>
/// The order admission offers candidates in when jobs of several groups (<see cref="FairGroup"/>: tenant and
/// concurrency key) wait in a queue: weighted round robin instead of oldest first. The next candidate always comes from
/// the group with the fewest jobs running and taken so far per unit of weight (ties: round robin, the groups after the one
/// served last come first, in the order their candidates are given), so a group with a backlog of thousands and its slots full waits while a group with
/// nothing running gets the next free slot, and groups with equal use take turns one by one. Within a group, lease
/// order (priority, then run time, then id) is kept. Pure, shared by both drivers.
/// </summary>
public static class FairShare
{
    /// <summary>Most groups one lease looks at; the rest wait for a later lease.</summary>
    public const int MaxGroups = 128;

    /// <summary>Orders <paramref name="candidates"/> (given in lease order) by turns between their groups.</summary>
    /// <param name="candidates">Candidates in lease order.</param>
    /// <param name="groupOf">A candidate's group.</param>
    /// <param name="running">Jobs running per group now, cluster-wide (groups not listed run none).</param>
    /// <param name="weights">Tenants' weights (turns per round); a tenant not listed weighs 1.</param>
    /// <param name="servedLast">The group the previous lease admitted last (see <see cref="FairTurns"/>); null for none.</param>
    public static List<T> Order<T>(
        IReadOnlyList<T> candidates,
        Func<T, FairGroup> groupOf,
        IReadOnlyDictionary<FairGroup, long> running,
        IReadOnlyDictionary<string, int> weights,
        FairGroup? servedLast = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(groupOf);
        var groups = new List<(FairGroup Group, Queue<T> Jobs)>();
        var index = new Dictionary<FairGroup, int>();
        foreach (var candidate in candidates)
        {
            var group = groupOf(candidate);
            if (!index.TryGetValue(group, out var at))
            {
                at = groups.Count;
                index[group] = at;
                groups.Add((group, new Queue<T>()));
            }

            groups[at].Jobs.Enqueue(candidate);
        }

        // Round robin on ties: the groups after the one served last come first, then the others from the start.
        var after = servedLast is { } last && index.TryGetValue(last, out var lastAt) ? lastAt + 1 : 0;
        var turns = new PriorityQueue<int, (double Use, int Turn)>();
        var used = new long[groups.Count];
        for (var i = 0; i < groups.Count; i++)
        {
            used[i] = running.GetValueOrDefault(groups[i].Group);
            turns.Enqueue(i, (Use(i), Turn(i)));
        }

        var ordered = new List<T>(candidates.Count);
        while (turns.TryDequeue(out var i, out _))
        {
            ordered.Add(groups[i].Jobs.Dequeue());
            used[i]++;
            if (groups[i].Jobs.Count > 0)
            {
                turns.Enqueue(i, (Use(i), Turn(i)));
            }
        }

        return ordered;

        int Turn(int i) => i >= after ? i - after : i + groups.Count;

        double Use(int i) => used[i] / (double)Math.Max(1, weights.GetValueOrDefault(groups[i].Group.Tenant, 1));
    }
}
