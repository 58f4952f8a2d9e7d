namespace Escala.Sqlite;

/// <summary>Where and how the SQLite store keeps its data.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The data directory; the database is <c>escala.db</c> inside it. Created when missing.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>How long a connection waits for a lock held by another process.</summary>
    /// <value>Defaults to <see cref="SqliteStoreDefaults.BusyTimeout"/> (5 s).</value>
    public TimeSpan BusyTimeout { get; init; } = SqliteStoreDefaults.BusyTimeout;

    /// <summary>Most write operations grouped into one transaction (group commit).</summary>
    /// <value>Defaults to <see cref="SqliteStoreDefaults.MaxGroup"/> (2000).</value>
    public int MaxGroup { get; init; } = SqliteStoreDefaults.MaxGroup;

    /// <summary>The clock for what the store stamps itself (migrations applied, queues paused).</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>.</value>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The database file inside <see cref="DataDirectory"/>.</summary>
    public string DatabasePath => Path.Combine(DataDirectory, SqliteStoreDefaults.FileName);
}
