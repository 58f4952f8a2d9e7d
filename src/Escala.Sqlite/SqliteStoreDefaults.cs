namespace Escala.Sqlite;

/// <summary>The defaults of <see cref="SqliteStoreOptions"/>, in one place.</summary>
public static class SqliteStoreDefaults
{
    /// <summary>The database file name inside the data directory.</summary>
    public const string FileName = "escala.db";

    /// <summary>Most write operations grouped into one transaction.</summary>
    public const int MaxGroup = 2000;

    /// <summary>How long a connection waits for a lock held by another process.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(5);
}
