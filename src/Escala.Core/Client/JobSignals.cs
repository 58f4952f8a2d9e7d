using System.Collections.Concurrent;

namespace Escala.Client;

/// <summary>
/// In-process wake-ups for watchers of a job (<c>?wait=</c>, SSE): whatever changes a job on this node
/// signals it. Watchers still poll slowly, since the change may happen on another node.
/// </summary>
public sealed class JobSignals
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _waiters = new();

    /// <summary>A task that completes at the job's next change on this node.</summary>
    public Task NextChange(long jobId) =>
        _waiters.GetOrAdd(jobId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Signal(long jobId)
    {
        if (!_waiters.IsEmpty && _waiters.TryRemove(jobId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}
