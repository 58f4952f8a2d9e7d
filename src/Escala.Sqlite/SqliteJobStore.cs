using Escala.Sqlite.Inserts;
using Escala.Sqlite.Migrations;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode with <c>synchronous=FULL</c>. Every write goes through one
/// writer loop that groups concurrent writes into one transaction (group commit); reads use pooled connections
/// that run alongside it. One process only (<see cref="StoreCapabilities.MultiNode"/> is false).
/// </summary>
public sealed partial class SqliteJobStore : IJobStore
{
    /// <summary>What every SQLite store can do, known before one is opened.</summary>
    public static StoreCapabilities DriverCapabilities { get; } = new("sqlite", SupportsNotify: false, MultiNode: false, OrderedWrites: true);

    private readonly SqliteConnection _writeConnection;
    private readonly SqliteWriter _writer;
    private readonly InsertCombiner _inserts;
    private readonly string _readConnectionString;
    private readonly TimeProvider _time;
    private readonly Lock _subscribersLock = new();
    private Subscription[] _subscribers = [];
    private int _disposed;

    /// <summary>Opens (creating when missing) the database in <see cref="SqliteStoreOptions.DataDirectory"/>. Call <see cref="MigrateAsync"/> before use.</summary>
    public SqliteJobStore(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _time = options.Time;
        Directory.CreateDirectory(options.DataDirectory);
        var timeoutSeconds = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds);
        _readConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = timeoutSeconds,
        }.ToString();

        _writeConnection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = options.DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = timeoutSeconds,
        }.ToString());
        _writeConnection.Open();
        using (var pragmas = _writeConnection.CreateCommand())
        {
            pragmas.CommandText =
                $"PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = {(long)options.BusyTimeout.TotalMilliseconds}; " +
                "PRAGMA foreign_keys = ON;";
            pragmas.ExecuteNonQuery();
        }

        _writer = new SqliteWriter(_writeConnection, options.MaxGroup, Wake);
        _inserts = new InsertCombiner(_writer);
    }

    /// <inheritdoc/>
    public StoreCapabilities Capabilities => DriverCapabilities;

    /// <summary>Write transactions committed since the store opened; fewer than write calls when group commit groups them.</summary>
    internal long Transactions => _writer.Transactions;

    /// <summary>Queues a raw write on the writer loop (tests use it to inject a failing operation).</summary>
    internal Task<T> WriteAsync<T>(Func<WriteContext, T> body, CancellationToken ct) => _writer.WriteAsync(body, ct);

    /// <inheritdoc/>
    public Task MigrateAsync(CancellationToken ct) =>
        _writer.WriteAsync(context => Migrator.Apply(context, _time.GetUtcNow()), ct);

    /// <inheritdoc/>
    public Task<bool> PingAsync(CancellationToken ct) => ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }, ct);

    /// <inheritdoc/>
    public IDisposable SubscribeAvailable(Action<string> onQueue)
    {
        ArgumentNullException.ThrowIfNull(onQueue);
        var subscription = new Subscription(this, onQueue);
        lock (_subscribersLock)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    /// <summary>Stops the writer after it ran every queued write, checkpoints the WAL and closes every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writer.StopAsync();
        try
        {
            using var checkpoint = _writeConnection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // A reader still holds a snapshot: the WAL is checkpointed on the next open instead.
        }

        await _writeConnection.DisposeAsync();
        using var reader = new SqliteConnection(_readConnectionString);
        SqliteConnection.ClearPool(reader);
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ct.ThrowIfCancellationRequested();
        await using var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return read(connection);
    }

    private void Wake(IReadOnlySet<string> queues)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        foreach (var queue in queues)
        {
            foreach (var subscriber in subscribers)
            {
                try
                {
                    subscriber.OnQueue(queue);
                }
                catch (Exception)
                {
                    // A wake-up is a hint; a faulty subscriber must not stop the writer or the other subscribers.
                }
            }
        }
    }

    private void Unsubscribe(Subscription subscription)
    {
        lock (_subscribersLock)
        {
            _subscribers = Array.FindAll(_subscribers, candidate => !ReferenceEquals(candidate, subscription));
        }
    }

    private sealed class Subscription(SqliteJobStore store, Action<string> onQueue) : IDisposable
    {
        public Action<string> OnQueue { get; } = onQueue;

        public void Dispose() => store.Unsubscribe(this);
    }
}
