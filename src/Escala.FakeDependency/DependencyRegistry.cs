using System.Collections.Concurrent;

namespace Escala.FakeDependency;

/// <summary>The fake dependencies seen so far, by name (case-insensitive). A reset forgets them all.</summary>
public sealed class DependencyRegistry
{
    private ConcurrentDictionary<string, Dependency> _dependencies = NewMap();

    public Dependency Get(string name) => _dependencies.GetOrAdd(name, static _ => new Dependency());

    public Dependency? Find(string name) => _dependencies.GetValueOrDefault(name);

    public IReadOnlyList<StatsSnapshot> Snapshot() =>
        [.. _dependencies.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => pair.Value.Stats.Snapshot(pair.Key))];

    /// <summary>Forgets every configuration and counter. Requests in flight finish against the old counters.</summary>
    public void Reset() => Interlocked.Exchange(ref _dependencies, NewMap());

    private static ConcurrentDictionary<string, Dependency> NewMap() => new(StringComparer.OrdinalIgnoreCase);
}
