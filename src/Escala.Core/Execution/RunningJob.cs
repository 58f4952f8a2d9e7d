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

/// <summary>One attempt in flight on this node. Its soft timeout runs on the engine's <see cref="TimeProvider"/>.</summary>
internal sealed class RunningJob(Job job, QueueProducer producer, TimeProvider time) : IDisposable
{
    private readonly CancellationTokenSource _cts = new(Timeout.InfiniteTimeSpan, time);
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

    /// <summary>When the attempt started on this node (the engine's clock), to measure its duration.</summary>
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    /// <summary>Claims the right to report this attempt's outcome; true only for the first caller.</summary>
    public bool TryFinish() => Interlocked.Exchange(ref _finished, 1) == 0;

    public void Dispose() => _cts.Dispose();
}
