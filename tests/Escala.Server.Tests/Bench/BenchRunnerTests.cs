using Escala.Server.Bench;
using Escala.Testing;
using Npgsql;

namespace Escala.Server.Tests.Bench;

/// <summary>The in-process bench runs every job it counts, on both stores, and leaves nothing behind.</summary>
public sealed class BenchRunnerTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task Throughput_OnSqlite_CountsOnlyTheMeasuredJobs()
    {
        var result = await BenchRunner.RunAsync(Options(store: null), CancellationToken.None);

        Assert.Equal("sqlite", result.Store);
        Assert.Equal(600, result.Jobs);
        Assert.Equal(200, result.Warmup);
        Assert.True(result.EndToEndPerSecond > 0);
        Assert.True(result.LeaseP50Ms > 0);
        Assert.StartsWith($"{Environment.ProcessorCount} cores, ", result.Machine);
        Assert.Contains("machine", result.ToTable());
    }

    [Fact]
    public async Task Throughput_OnPostgres_RunsInASchemaOfItsOwnAndDropsIt()
    {
        var database = await server.CreateDatabaseAsync();
        try
        {
            var result = await BenchRunner.RunAsync(Options(database), CancellationToken.None);

            Assert.Equal("postgres", result.Store);
            Assert.True(result.EndToEndPerSecond > 0);
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var schemas = new NpgsqlCommand(
                "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'escala%'", connection);
            Assert.Equal(0L, await schemas.ExecuteScalarAsync());
        }
        finally
        {
            await server.DropDatabaseAsync(database);
        }
    }

    [Fact]
    public void CompletionGate_CountsEachPhaseFromItsOwnStart()
    {
        var gate = new BenchRunner.CompletionGate();
        var warmup = gate.Expect(2);
        gate.Add(2);
        Assert.True(warmup.IsCompleted);

        // The warm-up's completions do not count towards the measured run.
        var measured = gate.Expect(3);
        gate.Add(2);
        Assert.False(measured.IsCompleted);
        gate.Add(1);
        Assert.True(measured.IsCompleted);

        // A trickle learns its size only at the end; completions before that count.
        var start = gate.Hold();
        gate.Add(4);
        Assert.True(gate.Expect(4, start).IsCompleted);
    }

    [Fact]
    public void Validate_NegativeWarmup_IsRefused() =>
        Assert.Equal("--warmup must be 0 or more.", (Options(null) with { Warmup = -1 }).Validate());

    private static BenchOptions Options(string? store) => new()
    {
        Store = store,
        Jobs = 600,
        Warmup = 200,
        Producers = 8,
        Batch = 1,
        Concurrency = 50,
        MixedPercent = 100,
        Duration = TimeSpan.FromSeconds(1),
    };
}
