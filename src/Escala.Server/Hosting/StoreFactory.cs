using Escala.Postgres;
using Escala.Sqlite;
using Escala.Storage;

namespace Escala.Server.Hosting;

/// <summary>Picks the driver from the store setting: a PostgreSQL connection string, or a SQLite data directory.</summary>
public static class StoreFactory
{
    public const string DefaultDataDirectory = Configuration.NodeDefaults.Data;

    public static bool IsPostgres(string? store) =>
        store is not null && store.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>What the store <paramref name="store"/> names can do, before it is opened.</summary>
    public static StoreCapabilities CapabilitiesOf(string? store) =>
        IsPostgres(store) ? PostgresJobStore.DriverCapabilities : SqliteJobStore.DriverCapabilities;

    public static IJobStore Create(string? store, string? data, string? schema = null)
    {
        if (IsPostgres(store))
        {
            return new PostgresJobStore(new PostgresStoreOptions { ConnectionString = store!, Schema = schema ?? PostgresStoreDefaults.Schema });
        }

        var directory = Path.GetFullPath(store ?? data ?? DefaultDataDirectory);
        return new SqliteJobStore(new SqliteStoreOptions { DataDirectory = directory });
    }

    /// <summary>A description for logs: the driver and where, never a password.</summary>
    public static string Describe(string? store, string? data) =>
        IsPostgres(store) ? "postgres" : $"sqlite at {Path.GetFullPath(store ?? data ?? DefaultDataDirectory)}";
}
