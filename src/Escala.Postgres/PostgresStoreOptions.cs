namespace Escala.Postgres;

/// <summary>How <see cref="PostgresJobStore"/> reaches its database.</summary>
public sealed class PostgresStoreOptions
{
    /// <summary>An Npgsql connection string, e.g. <c>Host=127.0.0.1;Database=escala;Username=escala</c>.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>The schema that holds Escala's tables. Lower-case letters, digits and underscores.</summary>
    /// <value>Defaults to <see cref="PostgresStoreDefaults.Schema"/> (<c>escala</c>).</value>
    public string Schema { get; init; } = PostgresStoreDefaults.Schema;

    /// <summary>True when <paramref name="schema"/> is a name this driver accepts: lower-case letters, digits and underscores, starting with a letter, at most 63 long.</summary>
    public static bool IsValidSchema(string schema) =>
        schema.Length is > 0 and <= 63 && schema[0] is >= 'a' and <= 'z' && schema.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_');

    /// <summary>How long to wait for a connection before failing, so calls fail fast while the database is down.</summary>
    /// <value>Defaults to <see cref="PostgresStoreDefaults.ConnectTimeout"/> (5 s).</value>
    public TimeSpan ConnectTimeout { get; init; } = PostgresStoreDefaults.ConnectTimeout;

    /// <summary>How long one statement may run before it is cancelled.</summary>
    /// <value>Defaults to <see cref="PostgresStoreDefaults.CommandTimeout"/> (30 s).</value>
    public TimeSpan CommandTimeout { get; init; } = PostgresStoreDefaults.CommandTimeout;

    /// <summary>Most jobs that the insert batcher groups into one statement.</summary>
    /// <value>Defaults to <see cref="PostgresStoreDefaults.InsertBatch"/> (1000).</value>
    public int InsertBatch { get; init; } = PostgresStoreDefaults.InsertBatch;

    /// <summary>Grouped insert statements in flight at once.</summary>
    /// <value>Defaults to <see cref="PostgresStoreDefaults.InsertFlushers"/> (2).</value>
    public int InsertFlushers { get; init; } = PostgresStoreDefaults.InsertFlushers;
}
