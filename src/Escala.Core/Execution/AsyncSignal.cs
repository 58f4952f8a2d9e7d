namespace Escala.Execution;

/// <summary>An auto-reset wake-up: many <see cref="Set"/> calls before a wait collapse into one.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable",
    Justification = "SemaphoreSlim holds an OS handle only once AvailableWaitHandle is read, which this class never does: there is nothing to dispose.")]
internal sealed class AsyncSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _set;

    public void Set()
    {
        if (Interlocked.Exchange(ref _set, 1) == 0)
        {
            _semaphore.Release();
        }
    }

    /// <summary>Waits for a <see cref="Set"/> or the timeout; true when signalled.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        var signalled = await _semaphore.WaitAsync(timeout, ct);
        if (signalled)
        {
            Volatile.Write(ref _set, 0);
        }

        return signalled;
    }
}
