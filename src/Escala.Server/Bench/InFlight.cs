namespace Escala.Server.Bench;

/// <summary>
/// The submits a bench has sent and not yet seen end. A finished one is dropped as new ones come, so a run of any
/// length holds only what is still pending; one that failed is kept, and <see cref="WhenAll"/> throws it at the end.
/// </summary>
internal sealed class InFlight
{
    /// <summary>Size at which finished tasks are first dropped.</summary>
    public const int PruneAt = 1024;

    private readonly List<Task> _tasks = [];
    private int _pruneAt = PruneAt;

    /// <summary>Tasks held: pending, failed, and finished ones not dropped yet.</summary>
    public int Count => _tasks.Count;

    public void Add(Task task)
    {
        _tasks.Add(task);
        if (_tasks.Count >= _pruneAt)
        {
            _tasks.RemoveAll(t => t.IsCompletedSuccessfully);
            _pruneAt = Math.Max(PruneAt, 2 * _tasks.Count);
        }
    }

    /// <summary>Completes when every task held has; throws what failed.</summary>
    public Task WhenAll() => Task.WhenAll(_tasks);
}
