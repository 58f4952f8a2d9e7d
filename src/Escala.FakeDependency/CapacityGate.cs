namespace Escala.FakeDependency;

/// <summary>
/// Turns for <see cref="Behaviour.Capacity"/>: at most that many requests are served at once, the others wait in arrival
/// order, and more than <see cref="Behaviour.Queue"/> waiting are refused. The capacity is read at every entry and exit,
/// so a new configuration takes effect while requests are waiting.
/// </summary>
public sealed class CapacityGate
{
    private readonly Lock _lock = new();
    private readonly LinkedList<TaskCompletionSource> _waiting = new();
    private int _serving;

    /// <summary>A task that completes when the request's turn comes (cancelled with the request), or null when the queue is full.</summary>
    public Task? TryEnter(int capacity, int queue, CancellationToken ct)
    {
        lock (_lock)
        {
            if (_serving < capacity && _waiting.Count == 0)
            {
                _serving++;
                return Task.CompletedTask;
            }

            if (_waiting.Count >= queue)
            {
                return null;
            }

            var turn = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var node = _waiting.AddLast(turn);
            ct.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is not null)
                    {
                        _waiting.Remove(node);
                        turn.TrySetCanceled(ct);
                    }
                }
            });
            return turn.Task;
        }
    }

    /// <summary>Ends a turn that <see cref="TryEnter"/> gave, and gives the next ones theirs.</summary>
    public void Exit(int capacity)
    {
        lock (_lock)
        {
            _serving--;
            while (_serving < capacity && _waiting.First is { } first)
            {
                _waiting.RemoveFirst();
                _serving++;
                first.Value.TrySetResult();
            }
        }
    }
}
