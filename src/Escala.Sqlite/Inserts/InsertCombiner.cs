using System.Collections.Concurrent;
using Escala.Jobs;
using Escala.Sqlite.Writer;
using Escala.Storage;

namespace Escala.Sqlite.Inserts;

/// <summary>
/// Combines concurrent <c>InsertAsync</c> calls into one write: while one combined insert waits for the writer,
/// every call that arrives joins the next one. The rows of all the calls then go into the database with
/// multi-row statements (<see cref="InsertRows"/>), so a thousand single submits cost a few dozen statements
/// and one commit. Each caller gets its own results once the group has committed.
/// </summary>
internal sealed class InsertCombiner(SqliteWriter writer)
{
    private readonly ConcurrentQueue<PendingInsert> _pending = new();
    private int _scheduled;

    /// <summary>Queues the jobs; a call cancelled before its combined write runs inserts nothing.</summary>
    public Task<IReadOnlyList<InsertResult>> InsertAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct)
    {
        var insert = new PendingInsert(jobs, now, ct);
        _pending.Enqueue(insert);
        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            Schedule();
        }

        return insert.Task;
    }

    private void Schedule()
    {
        var batch = new List<PendingInsert>();
        var drained = false;
        var write = writer.WriteAsync(context =>
        {
            // A write may run twice (the writer retries a failed group with savepoints): drain only once.
            if (!drained)
            {
                drained = true;
                Volatile.Write(ref _scheduled, 0);
                while (_pending.TryDequeue(out var insert))
                {
                    batch.Add(insert);
                }
            }

            InsertRows.Run(context, batch);
            return batch;
        }, CancellationToken.None);

        write.ContinueWith(static (task, state) =>
        {
            var batch = (List<PendingInsert>)state!;
            foreach (var insert in batch)
            {
                insert.Finish(task);
            }
        }, batch, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}

/// <summary>One caller's insert, waiting to be combined.</summary>
internal sealed class PendingInsert(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken cancellation)
{
    private readonly TaskCompletionSource<IReadOnlyList<InsertResult>> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<NewJob> Jobs { get; } = jobs;

    public DateTimeOffset Now { get; } = now;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Set when the caller cancelled before the write ran: nothing of it was inserted.</summary>
    public bool Skipped { get; set; }

    /// <summary>Filled by <see cref="InsertRows"/> inside the write; handed to the caller after commit.</summary>
    public InsertResult[] Results { get; } = new InsertResult[jobs.Count];

    public Task<IReadOnlyList<InsertResult>> Task => _done.Task;

    public void Finish(Task write)
    {
        if (write.IsCompletedSuccessfully && Skipped)
        {
            _done.TrySetCanceled(Cancellation);
        }
        else if (write.IsCompletedSuccessfully)
        {
            _done.TrySetResult(Results);
        }
        else if (write.Exception is { } error)
        {
            _done.TrySetException(error.InnerExceptions);
        }
        else
        {
            _done.TrySetCanceled();
        }
    }
}
