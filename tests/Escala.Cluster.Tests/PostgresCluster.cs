using Npgsql;

namespace Escala.Cluster.Tests;

/// <summary>
/// A throwaway PostgreSQL server that these tests always start themselves (never the shared one,
/// because they stop and restart it): <see cref="PostgresServer.Throwaway"/> as a collection fixture.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private readonly PostgresServer _server = PostgresServer.Throwaway();

    /// <summary>Connection string of the maintenance database.</summary>
    public string ConnectionString => _server.ConnectionString;

    /// <inheritdoc />
    public Task InitializeAsync() => _server.InitializeAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => _server.DisposeAsync();

    /// <summary>Stops the server (fast shutdown: open connections are closed).</summary>
    public async Task StopAsync()
    {
        await _server.ControlAsync("stop");
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the stopped server again on the same port and data directory.</summary>
    public async Task StartAsync()
    {
        await _server.ControlAsync("start");
        // The tests' own pooled connections died with the server.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Creates an empty database; its connection string keeps Npgsql's default pool, since nodes get it.</summary>
    public Task<string> CreateDatabaseAsync() => _server.CreateDatabaseAsync(maxPoolSize: 100);
}
