using Escala.Jobs;

namespace Escala.Execution;

/// <summary>Why a running attempt's token fired; the first reason set wins.</summary>
internal enum StopReason
{
    None,
    Timeout,
    Cancelled,
    Shutdown,
    LeaseLost,
}

/// <summary>One attempt in flight on this node.</summary>
internal sealed class RunningJob(Job job, QueueProducer producer) : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private int _reason;
    private int _finished;

    public Job Job { get; } = job;

    public QueueProducer Producer { get; } = producer;

    public CancellationToken Token => _cts.Token;

    public StopReason Reason => (StopReason)Volatile.Read(ref _reason);

    public void Stop(StopReason reason)
    {
        if (Interlocked.CompareExchange(ref _reason, (int)reason, (int)StopReason.None) == (int)StopReason.None)
        {
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void StopAfter(TimeSpan timeout) => _cts.CancelAfter(timeout);

    /// <summary>Claims the right to report this attempt's outcome; true only for the first caller.</summary>
    public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

    public void Dispose() => _cts.Dispose();
}
