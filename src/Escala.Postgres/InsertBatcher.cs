using System.Threading.Channels;
using Escala.Jobs;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

/// <summary>
/// Group commit for inserts: concurrent <see cref="IJobStore.InsertAsync"/> calls queue here, and a few
/// flushers each drain what is pending into one statement (one transaction, one fsync) and hand every
/// caller its own results. A statement that fails on bad data is retried call by call, so one bad call
/// never fails its neighbours.
/// </summary>
internal sealed class InsertBatcher
{
    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Func<IReadOnlyList<InsertRow>, CancellationToken, Task<InsertResult[]>> _flush;
    private readonly int _maxJobs;
    private readonly Task[] _flushers;

    public InsertBatcher(Func<IReadOnlyList<InsertRow>, CancellationToken, Task<InsertResult[]>> flush, int maxJobs, int flushers)
    {
        _flush = flush;
        _maxJobs = maxJobs;
        _flushers = Enumerable.Range(0, Math.Max(1, flushers)).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
    }

    public Task<InsertResult[]> InsertAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct)
    {
        var rows = new InsertRow[jobs.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new InsertRow(jobs[i], now);
        }

        if (rows.Length >= _maxJobs)
        {
            return _flush(rows, ct);
        }

        var pending = new Pending(rows, new TaskCompletionSource<InsertResult[]>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(pending), typeof(PostgresJobStore));

        return pending.Done.Task.WaitAsync(ct);
    }

    /// <summary>Stops taking calls and waits until the queued ones are flushed.</summary>
    public async Task StopAsync()
    {
        _pending.Writer.TryComplete();
        await Task.WhenAll(_flushers);
    }

    private async Task FlushLoopAsync()
    {
        var reader = _pending.Reader;
        var batch = new List<Pending>();
        var rows = new List<InsertRow>();
        while (await reader.WaitToReadAsync())
        {
            batch.Clear();
            rows.Clear();
            while (rows.Count < _maxJobs && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                rows.AddRange(pending.Rows);
            }

            if (batch.Count == 0)
            {
                continue;
            }

            try
            {
                var results = await _flush(rows, CancellationToken.None);
                var offset = 0;
                foreach (var pending in batch)
                {
                    pending.Done.TrySetResult(results[offset..(offset + pending.Rows.Length)]);
                    offset += pending.Rows.Length;
                }
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                foreach (var pending in batch)
                {
                    await FlushAloneAsync(pending);
                }
            }
            catch (Exception ex)
            {
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(ex);
                }
            }
        }
    }

    private async Task FlushAloneAsync(Pending pending)
    {
        try
        {
            pending.Done.TrySetResult(await _flush(pending.Rows, CancellationToken.None));
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    private sealed record Pending(InsertRow[] Rows, TaskCompletionSource<InsertResult[]> Done);
}

/// <summary>One job to insert, with the clock of the call that submitted it.</summary>
internal readonly record struct InsertRow(NewJob Job, DateTimeOffset Now);
