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

    /// <summary>
    /// A fresh database that already holds the migrated schema: a copy of one migrated once per test process (creating
    /// and migrating a database for each of some 200 tests took about half a second each).
    /// </summary>
    public async Task<string> NewMigratedDatabaseAsync()
    {
        var connectionString = await server.CreateDatabaseAsync("migrated", async template =>
        {
            await using var store = new PostgresJobStore(new PostgresStoreOptions { ConnectionString = template });
            await store.MigrateAsync(CancellationToken.None);
        });
        _databases.Add(connectionString);
        return connectionString;
    }

    /// <summary>A migrated store over a fresh database (its own migration finds nothing left to do).</summary>
    public async Task<PostgresJobStore> NewStoreAsync()
    {
        var store = Open(await NewMigratedDatabaseAsync());
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
