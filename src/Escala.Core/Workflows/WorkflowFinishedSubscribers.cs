namespace Escala.Workflows;

/// <summary>The subscribers a store tells, after commit, of each workflow that reached its final state.</summary>
public sealed class WorkflowFinishedSubscribers
{
    private readonly Lock _lock = new();
    private Action<long>[] _subscribers = [];

    public IDisposable Subscribe(Action<long> onFinished)
    {
        ArgumentNullException.ThrowIfNull(onFinished);
        lock (_lock)
        {
            _subscribers = [.. _subscribers, onFinished];
        }

        return new Subscription(this, onFinished);
    }

    /// <summary>Tells every subscriber; a faulty one stops neither the store nor the others.</summary>
    public void Publish(IEnumerable<long> workflowIds)
    {
        ArgumentNullException.ThrowIfNull(workflowIds);
        var subscribers = Volatile.Read(ref _subscribers);
        if (subscribers.Length == 0)
        {
            return;
        }

        foreach (var id in workflowIds)
        {
            foreach (var subscriber in subscribers)
            {
                try
                {
                    subscriber(id);
                }
                catch (Exception)
                {
                    // A notification is a hint to the subscriber; the workflow's state is in the store.
                }
            }
        }
    }

    private void Remove(Action<long> onFinished)
    {
        lock (_lock)
        {
            _subscribers = Array.FindAll(_subscribers, candidate => !ReferenceEquals(candidate, onFinished));
        }
    }

    private sealed class Subscription(WorkflowFinishedSubscribers owner, Action<long> onFinished) : IDisposable
    {
        public void Dispose() => owner.Remove(onFinished);
    }
}
