using System.Data.Common;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

/// <summary>
/// The PostgreSQL driver: many nodes share one database. Leases with <c>FOR UPDATE SKIP LOCKED</c> in
/// batches, applies admission control under per-resource advisory locks, groups concurrent inserts into
/// one statement, wakes workers on every node with <c>LISTEN/NOTIFY</c>, and elects the maintenance
/// leader with a row that expires.
/// </summary>
/// <remarks>
/// The store survives database outages: while PostgreSQL is down every call fails within the connect or
/// command timeout, and once it is back the same instance works again (broken pooled connections are
/// dropped, the listening connection reconnects).
/// </remarks>
public sealed partial class PostgresJobStore : IJobStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _listenSource;
    private readonly NotifyListener _listener;
    private readonly InsertBatcher _inserts;
    private readonly ChangeNotifier _changes;
    private readonly string _channel;
    private int _disposed;

    /// <summary>Creates a store over the database that <paramref name="options"/> names. Call <see cref="MigrateAsync"/> before use.</summary>
    public PostgresJobStore(PostgresStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!PostgresStoreOptions.IsValidSchema(options.Schema))
        {
            throw new ArgumentException(
                $"Schema '{options.Schema}' is not valid: use lower-case letters, digits and underscores, starting with a letter.",
                nameof(options));
        }

        Schema = options.Schema;
        _channel = Schema + "_jobs";
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.Timeout = Math.Max(1, (int)options.ConnectTimeout.TotalSeconds);
        builder.ConnectionStringBuilder.CommandTimeout = Math.Max(1, (int)options.CommandTimeout.TotalSeconds);
        if (!SaysMaxAutoPrepare(options.ConnectionString))
        {
            // The hot statements (lease, complete, insert) are large CTEs: prepare them once per connection
            // instead of parsing and planning them on every call. "Max Auto Prepare=0" in the connection
            // string turns this off (e.g. behind PgBouncer in transaction mode before 1.21).
            builder.ConnectionStringBuilder.MaxAutoPrepare = PostgresStoreDefaults.MaxAutoPrepare;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        // Pooled connections carry no session state (every lock is transaction-scoped, and LISTEN has a
        // connection of its own, below), so skip the reset Npgsql would send each time one goes back.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        _dataSource = builder.Build();

        // The LISTEN connection is never pooled: when it is closed it is gone, subscription and all.
        var listen = new NpgsqlDataSourceBuilder(builder.ConnectionString);
        listen.ConnectionStringBuilder.Pooling = false;
        _listenSource = listen.Build();
        _listener = new NotifyListener(_listenSource, _channel);
        _inserts = new InsertBatcher(InsertRowsAsync, options.InsertBatch, options.InsertFlushers);
        _changes = new ChangeNotifier(_dataSource, _channel, _listener.Origin + ChangedMarker);
    }

    /// <summary>The schema that holds this store's tables.</summary>
    public string Schema { get; }

    /// <inheritdoc />
    public StoreCapabilities Capabilities => DriverCapabilities;

    /// <summary>Completes once the wake-up connection listens (after the first <see cref="SubscribeAvailable"/>).</summary>
    internal Task Listening => _listener.Listening.Task;

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken ct) =>
        Guard(() => Migrator.MigrateAsync(_dataSource, Schema, ct));

    /// <inheritdoc />
    public async Task<bool> PingAsync(CancellationToken ct)
    {
        try
        {
            await using var cmd = _dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(ct);
            return true;
        }
        catch (NpgsqlException)
        {
            _dataSource.Clear();
            return false;
        }
    }

    /// <inheritdoc />
    public IDisposable SubscribeAvailable(Action<string> onQueue)
    {
        ArgumentNullException.ThrowIfNull(onQueue);
        return _listener.Subscribe(payload =>
        {
            if (payload != ChangedMarker)
            {
                onQueue(payload);
            }
        });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _inserts.StopAsync();
        _changes.Dispose();
        await _listener.DisposeAsync();
        await _dataSource.DisposeAsync();
        await _listenSource.DisposeAsync();
    }

    /// <summary>Runs a database call; a connection-level failure (not a server error) empties the pool so dead connections go at once.</summary>
    private async Task<T> Guard<T>(Func<Task<T>> body)
    {
        try
        {
            return await body();
        }
        catch (NpgsqlException ex) when (IsConnectionLost(ex))
        {
            _dataSource.Clear();
            throw;
        }
    }

    private async Task Guard(Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (NpgsqlException ex) when (IsConnectionLost(ex))
        {
            _dataSource.Clear();
            throw;
        }
    }

    /// <summary>
    /// True when the failure is about the connection, not the statement: an I/O or timeout failure, or the
    /// server saying it shuts down or refuses connections (SQLSTATE classes 08 and 57).
    /// </summary>
    private static bool IsConnectionLost(NpgsqlException ex) =>
        ex is not PostgresException pg || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57", StringComparison.Ordinal);

    private NpgsqlBatchCommand Notify(string[] queues) =>
        new("SELECT pg_notify(@channel, @origin || q) FROM unnest(@queues::text[]) AS q")
        {
            Parameters =
            {
                new NpgsqlParameter("channel", _channel),
                new NpgsqlParameter("origin", _listener.Origin),
                new NpgsqlParameter("queues", queues),
            },
        };

    /// <summary>
    /// True when the connection string itself sets Max Auto Prepare. (Npgsql's own builder cannot tell:
    /// its <c>ContainsKey</c> answers whether a keyword is known, not whether it was given.)
    /// </summary>
    internal static bool SaysMaxAutoPrepare(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        return given.Keys.Cast<string>().Any(k =>
            string.Equals(k.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The data source, for tests that look at what a pooled connection holds.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;
}
