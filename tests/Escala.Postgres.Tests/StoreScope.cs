namespace Escala.Postgres.Tests;

/// <summary>Fresh databases for one test, and the stores over them; all dropped when the test ends.</summary>
public sealed class StoreScope(PostgresServer server) : IAsyncDisposable
{
    private readonly List<string> _databases = [];
    private readonly List<PostgresJobStore> _stores = [];

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        var connectionString = await server.CreateDatabaseAsync();
        _databases.Add(connectionString);
        return connectionString;
    }

    /// <summary>A store (a node) over <paramref name="connectionString"/>, not yet migrated.</summary>
    public PostgresJobStore Open(string connectionString)
    {
        var store = new PostgresJobStore(new PostgresStoreOptions { ConnectionString = connectionString });
        _stores.Add(store);
        return store;
    }

    /// <summary>A migrated store over a fresh database.</summary>
    public async Task<PostgresJobStore> NewStoreAsync()
    {
        var store = Open(await NewDatabaseAsync());
        await store.MigrateAsync(CancellationToken.None);
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            await server.DropDatabaseAsync(database);
        }
    }
}
