namespace Escala.Postgres;

/// <summary>Defaults of <see cref="PostgresStoreOptions"/>, in one place.</summary>
public static class PostgresStoreDefaults
{
    /// <summary>The schema that holds Escala's tables.</summary>
    public const string Schema = "escala";

    /// <summary>Statements each connection keeps prepared (Npgsql automatic preparation), unless the connection string says otherwise.</summary>
    public const int MaxAutoPrepare = 64;

    /// <summary>Most jobs grouped into one insert statement.</summary>
    public const int InsertBatch = 1000;

    /// <summary>Grouped insert statements in flight at once.</summary>
    public const int InsertFlushers = 2;

    /// <summary>How long to wait for a connection.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long one statement may run.</summary>
    public static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long the listening connection waits before it retries after a failure.</summary>
    public static readonly TimeSpan ListenRetry = TimeSpan.FromSeconds(1);
}
