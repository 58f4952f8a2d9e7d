using System.Collections.Frozen;

namespace Escala.Execution;

/// <summary>The in-process handlers of this node, by kind.</summary>
public sealed class HandlerRegistry
{
    private readonly FrozenDictionary<string, IJobHandler> _handlers;

    public HandlerRegistry(IEnumerable<IJobHandler> handlers)
    {
        var byKind = new Dictionary<string, IJobHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!byKind.TryAdd(handler.Kind, handler))
            {
                throw new InvalidOperationException($"Two handlers are registered for kind '{handler.Kind}'.");
            }
        }

        _handlers = byKind.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IJobHandler? Find(string kind) => _handlers.GetValueOrDefault(kind);

    public IEnumerable<string> Kinds => _handlers.Keys;
}
