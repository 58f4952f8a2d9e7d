using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite.Writer;

/// <summary>
/// The one writer of the database. Duties: own the write connection; take every pending operation
/// (up to a cap) and run them in one transaction with one commit and one fsync (group commit); isolate each
/// operation in a savepoint so a failing one rolls back alone; after commit, send wake-ups and then complete callers.
/// </summary>
internal sealed class SqliteWriter
{
    private readonly WriteContext _context;
    private readonly Channel<WriteOp> _pending = Channel.CreateUnbounded<WriteOp>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxGroup;
    private readonly Action<IReadOnlySet<string>> _wake;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _transactions;

    public SqliteWriter(SqliteConnection connection, int maxGroup, Action<IReadOnlySet<string>> wake)
    {
        _context = new WriteContext(connection);
        _maxGroup = maxGroup;
        _wake = wake;
        _thread = new Thread(Run) { IsBackground = true, Name = "escala-sqlite-writer" };
        _thread.Start();
    }

    /// <summary>Transactions committed so far (each one a group of operations).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Queues a write and returns its result once committed.</summary>
    public Task<T> WriteAsync<T>(Func<WriteContext, T> body, CancellationToken ct)
    {
        var op = new WriteOp<T>(body, ct);
        ObjectDisposedException.ThrowIf(!_pending.Writer.TryWrite(op), typeof(SqliteJobStore));
        return op.Task;
    }

    /// <summary>Stops taking writes, runs the ones already queued, and returns when the loop has ended.</summary>
    public Task StopAsync()
    {
        _pending.Writer.TryComplete();
        return _stopped.Task;
    }

    private void Run()
    {
        var group = new List<WriteOp>(_maxGroup);
        var done = new List<WriteOp>(_maxGroup);
        var wakes = new HashSet<string>(StringComparer.Ordinal);
        var reader = _pending.Reader;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (group.Count < _maxGroup && reader.TryRead(out var op))
                {
                    group.Add(op);
                }

                RunGroup(group, done, wakes);
                group.Clear();
                done.Clear();
                wakes.Clear();
            }
        }
        finally
        {
            _context.DisposeCommands();
            _stopped.TrySetResult();
        }
    }

    private void RunGroup(List<WriteOp> group, List<WriteOp> done, HashSet<string> wakes)
    {
        // Fast path: the whole group in one transaction without savepoints (three statements fewer per
        // operation). Operations almost never fail; when one does, the group is rolled back and run again
        // with a savepoint per operation, so only the failing one fails.
        if (!TryRun(group, done, wakes, isolated: false))
        {
            done.Clear();
            wakes.Clear();
            if (!TryRun(group, done, wakes, isolated: true))
            {
                return;
            }
        }

        Interlocked.Increment(ref _transactions);
        if (wakes.Count > 0)
        {
            _wake(wakes);
        }

        foreach (var op in done)
        {
            op.Complete();
        }
    }

    /// <summary>Runs the group in one transaction. Isolated, a failing operation fails alone; otherwise any failure fails the try.</summary>
    private bool TryRun(List<WriteOp> group, List<WriteOp> done, HashSet<string> wakes, bool isolated)
    {
        try
        {
            Exec(Sql.Begin);
            foreach (var op in group)
            {
                if (op.Cancellation.IsCancellationRequested)
                {
                    op.Cancel();
                }
                else if (isolated)
                {
                    RunInSavepoint(op, done, wakes);
                }
                else
                {
                    _context.ClearWakes();
                    op.Execute(_context);
                    wakes.UnionWith(_context.WakeQueues);
                    done.Add(op);
                }
            }

            Exec(Sql.Commit);
            return true;
        }
        catch (Exception error)
        {
            RollBackQuietly();
            if (isolated)
            {
                foreach (var op in group)
                {
                    op.Fail(error);
                }
            }

            return false;
        }
    }

    private void RunInSavepoint(WriteOp op, List<WriteOp> done, HashSet<string> wakes)
    {
        _context.ClearWakes();
        Exec(Sql.Savepoint);
        try
        {
            op.Execute(_context);
        }
        catch (Exception error)
        {
            Exec(Sql.RollbackToSavepoint);
            Exec(Sql.ReleaseSavepoint);
            op.Fail(error);
            return;
        }

        Exec(Sql.ReleaseSavepoint);
        wakes.UnionWith(_context.WakeQueues);
        done.Add(op);
    }

    private void RollBackQuietly()
    {
        try
        {
            Exec(Sql.Rollback);
        }
        catch (SqliteException)
        {
            // No transaction was open (BEGIN failed, or SQLite already rolled back): nothing to undo.
        }
    }

    private void Exec(string sql) => _context.Prepared(sql).ExecuteNonQuery();

    private static class Sql
    {
        public const string Begin = "BEGIN IMMEDIATE";
        public const string Commit = "COMMIT";
        public const string Rollback = "ROLLBACK";
        public const string Savepoint = "SAVEPOINT op";
        public const string RollbackToSavepoint = "ROLLBACK TO op";
        public const string ReleaseSavepoint = "RELEASE op";
    }
}
