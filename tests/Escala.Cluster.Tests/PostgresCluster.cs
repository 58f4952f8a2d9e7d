using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Escala.Cluster.Tests;

/// <summary>
/// A throwaway PostgreSQL cluster that these tests always start themselves (never the shared one,
/// because they stop and restart it), with <c>scripts/postgres.sh</c> in a temporary directory on a
/// free loopback port. Hands out fresh databases.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private string _dir = string.Empty;

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; private set; }

    /// <summary>Connection string of the maintenance database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        _dir = Directory.CreateTempSubdirectory("escala-cluster-pg-").FullName;
        Port = Ports.Free();
        ConnectionString = (await RunScriptAsync("start", _dir, Port.ToString(CultureInfo.InvariantCulture))).Trim().Split('\n')[^1];
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunScriptAsync("stop", _dir);
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Stops the server (fast shutdown: open connections are closed).</summary>
    public async Task StopAsync()
    {
        await RunScriptAsync("stop", _dir);
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Starts the stopped server again on the same port and data directory.</summary>
    public async Task StartAsync()
    {
        await RunScriptAsync("start", _dir, Port.ToString(CultureInfo.InvariantCulture));
        // The tests' own pooled connections died with the server.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "escala_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs <c>scripts/postgres.sh</c> and returns its standard output.</summary>
    public static async Task<string> RunScriptAsync(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(Repository.Root, "scripts", "postgres.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }
}
