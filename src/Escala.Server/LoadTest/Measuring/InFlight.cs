namespace Escala.Server.LoadTest.Measuring;

/// <summary>Counts operations in flight; the highest count; and lets the end of a run await them (bounded).</summary>
public sealed class InFlight
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _empty = NewEmpty(completed: true);
    private long _count;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public long Max => Interlocked.Read(ref _max);

    public void Enter()
    {
        lock (_lock)
        {
            if (_count++ == 0)
            {
                _empty = NewEmpty(completed: false);
            }

            _max = Math.Max(_max, _count);
        }
    }

    public void Exit()
    {
        lock (_lock)
        {
            if (--_count == 0)
            {
                _empty.TrySetResult();
            }
        }
    }

    /// <summary>True when nothing was in flight any more before <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitEmptyAsync(TimeSpan timeout)
    {
        Task empty;
        lock (_lock)
        {
            empty = _empty.Task;
        }

        return await Task.WhenAny(empty, Task.Delay(timeout)) == empty;
    }

    private static TaskCompletionSource NewEmpty(bool completed)
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (completed)
        {
            source.SetResult();
        }

        return source;
    }
}
