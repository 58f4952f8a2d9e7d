using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit;

namespace Escala.Testing;

/// <summary>
/// The PostgreSQL server the tests use: <c>ESCALA_TEST_POSTGRES</c> when set, else a throwaway cluster
/// started with <c>scripts/postgres.sh</c> on a free loopback port and stopped at the end. Hands out
/// fresh databases and drops them afterwards.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly bool _useConfigured;
    private readonly string? _given;
    private readonly SemaphoreSlim _templatesLock = new(1, 1);
    /// <summary>Template databases by what they hold (see <see cref="CreateDatabaseAsync(string, Func{string, Task})"/>).</summary>
    private readonly Dictionary<string, string> _templates = new(StringComparer.Ordinal);
    private string? _clusterDir;

    /// <summary>The shared server: <c>ESCALA_TEST_POSTGRES</c> when set (an xunit fixture).</summary>
    public PostgresServer()
        : this(useConfigured: true)
    {
    }

    private PostgresServer(bool useConfigured, string? given = null)
    {
        _useConfigured = useConfigured;
        _given = given;
    }

    /// <summary>A server of the caller's own, never the configured one: for tests that stop and start it.</summary>
    public static PostgresServer Throwaway() => new(useConfigured: false);

    /// <summary>The running server at <paramref name="connectionString"/>, used as a configured one (it outlives this fixture).</summary>
    public static PostgresServer On(string connectionString) => new(useConfigured: true, connectionString);

    /// <summary>Connection string of the server's maintenance database.</summary>
    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        var configured = _given ?? (_useConfigured ? Environment.GetEnvironmentVariable("ESCALA_TEST_POSTGRES") : null);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ConnectionString = configured;
            return;
        }

        _clusterDir = Directory.CreateTempSubdirectory("escala-pg-").FullName;
        ConnectionString = (await RunScriptAsync("start", _clusterDir, FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture))).Trim();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_clusterDir is null)
        {
            // A configured server outlives the tests: the templates made on it go. A throwaway one goes whole.
            foreach (var template in _templates.Values)
            {
                await DropDatabaseNamedAsync(template);
            }
        }
        else
        {
            await RunScriptAsync("stop", _clusterDir);
            Directory.Delete(_clusterDir, recursive: true);
        }
    }

    /// <summary>The maintenance connection, unpooled so a server restart leaves no stale connection behind.</summary>
    private string AdminConnectionString => new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    /// <param name="maxPoolSize">The pool the string asks for: small by default, since one test process opens many stores.</param>
    public Task<string> CreateDatabaseAsync(int maxPoolSize = 20) => CreateDatabaseAsync(template: null, maxPoolSize);

    /// <summary>
    /// Creates a database as a copy of the one <paramref name="prepare"/> made once for this server and
    /// <paramref name="key"/> (e.g. a migrated store): copying a prepared database is faster than preparing each one,
    /// and the templates are dropped with the server.
    /// </summary>
    /// <param name="key">Names what the template holds; one template per key.</param>
    /// <param name="prepare">Fills the template, given its connection string; it must leave no connection open to it.</param>
    public async Task<string> CreateDatabaseAsync(string key, Func<string, Task> prepare)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        string template;
        await _templatesLock.WaitAsync();
        try
        {
            if (!_templates.TryGetValue(key, out var made))
            {
                var connectionString = await CreateDatabaseAsync(template: null, maxPoolSize: 20);
                await prepare(connectionString);
                made = new NpgsqlConnectionStringBuilder(connectionString).Database!;
                await CloseConnectionsAsync(made);
                _templates.Add(key, made);
            }

            template = made;
        }
        finally
        {
            _templatesLock.Release();
        }

        return await CreateDatabaseAsync(template, maxPoolSize: 20);
    }

    private async Task<string> CreateDatabaseAsync(string? template, int maxPoolSize)
    {
        var name = "escala_test_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(template is null ? $"CREATE DATABASE {name}" : $"CREATE DATABASE {name} TEMPLATE {template}", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, MaxPoolSize = maxPoolSize }.ConnectionString;
    }

    /// <summary>A database is copied only while nothing is connected to it: closes this process's pooled connections and ends any other.</summary>
    private async Task CloseConnectionsAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @name", connection);
        cmd.Parameters.AddWithValue("name", database);
        await cmd.ExecuteScalarAsync();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/>, closing what still uses it.</summary>
    public Task DropDatabaseAsync(string connectionString) =>
        DropDatabaseNamedAsync(new NpgsqlConnectionStringBuilder(connectionString).Database!);

    private async Task DropDatabaseNamedAsync(string name)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <c>scripts/postgres.sh</c> with the given arguments; only for a server this fixture started.</summary>
    public Task<string> ControlAsync(string verb)
    {
        if (_clusterDir is null)
        {
            throw new InvalidOperationException("The server was not started by the tests.");
        }

        var port = new NpgsqlConnectionStringBuilder(ConnectionString).Port;
        return verb == "stop"
            ? RunScriptAsync("stop", _clusterDir)
            : RunScriptAsync("start", _clusterDir, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }


    private static async Task<string> RunScriptAsync(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), "scripts", "postgres.sh"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"postgres.sh {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        }

        return await stdout;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Escala.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Escala.slnx) above " + AppContext.BaseDirectory);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
