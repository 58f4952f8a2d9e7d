using System.Collections.Concurrent;

namespace Escala.Server.Dashboard;

/// <summary>The latest breaker transitions seen by this node, per resource (at most <see cref="PerResource"/> each), oldest first.</summary>
public sealed class BreakerHistory
{
    public const int PerResource = 50;

    private readonly ConcurrentDictionary<string, Queue<BreakerTransition>> _byResource = new(StringComparer.Ordinal);

    public void Add(string resource, string state, DateTimeOffset at)
    {
        var queue = _byResource.GetOrAdd(resource, _ => new Queue<BreakerTransition>());
        lock (queue)
        {
            queue.Enqueue(new BreakerTransition(at, state));
            while (queue.Count > PerResource)
            {
                queue.Dequeue();
            }
        }
    }

    public IReadOnlyList<BreakerTransition> Of(string resource)
    {
        if (!_byResource.TryGetValue(resource, out var queue))
        {
            return [];
        }

        lock (queue)
        {
            return [.. queue];
        }
    }
}
