using Escala.Governance;
using Escala.Jobs;
using Escala.Storage;

namespace Escala.Postgres.Tests;

/// <summary>
/// PostgreSQL-only behaviour on a single node: statement preparation, statistics, insert grouping. The job life
/// cycle, admission and maintenance are the conformance suite's (<see cref="PostgresConformanceTests"/>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJobStoreTests(PostgresServer server) : IAsyncLifetime
{
    private readonly StoreScope _scope = new(server);
    private PostgresJobStore _store = null!;

    public async Task InitializeAsync() => _store = await _scope.NewStoreAsync();

    public async Task DisposeAsync() => await _scope.DisposeAsync();

    [Fact]
    public async Task Connections_PrepareRepeatedStatements_UnlessTheConnectionStringSaysNot()
    {
        Assert.Equal(1, await PreparedAfterRepeatsAsync(_store));

        var off = _scope.Open(await _scope.NewDatabaseAsync() + ";Max Auto Prepare=0");
        Assert.Equal(0, await PreparedAfterRepeatsAsync(off));
    }

    [Fact]
    public async Task Promote_AfterTheTableOutgrewItsStatistics_AnalyzesIt()
    {
        _store.StatsCheckInterval = TimeSpan.FromMilliseconds(200);
        for (var i = 0; i < 25; i++)
        {
            await _store.InsertAsync(Enumerable.Range(0, 1000).Select(_ => Jobs.New()).ToArray(), Jobs.Now, CancellationToken.None);
        }

        // The server counts changes per table with a delay of up to ~10 s; the leader's check sees them then.
        var analyzed = false;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!analyzed && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await _store.PromoteDueAsync(Jobs.Now, 100, CancellationToken.None);
            await using var cmd = _store.DataSource.CreateCommand(
                "SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = 'escala' AND relname = 'jobs'");
            analyzed = (long)(await cmd.ExecuteScalarAsync())! > 0;
            await Task.Delay(250);
        }

        Assert.True(analyzed, "the leader never analyzed a table that grew from empty to 25,000 rows");
    }

    [Fact]
    public void Capabilities_ManyNodesWithNotify_WritesNotOrdered() =>
        Assert.Equal(new StoreCapabilities("postgres", SupportsNotify: true, MultiNode: true, OrderedWrites: false), _store.Capabilities);

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0", true)]
    [InlineData("Host=h;maxautoprepare=10", true)]
    [InlineData("Host=h;Database=d", false)]
    public void SaysMaxAutoPrepare_ReadsOnlyWhatTheStringGives(string connectionString, bool says) =>
        Assert.Equal(says, PostgresJobStore.SaysMaxAutoPrepare(connectionString));

    /// <summary>Runs one statement three times on a pooled connection and counts what that connection holds prepared.</summary>
    private static async Task<long> PreparedAfterRepeatsAsync(PostgresJobStore store)
    {
        await using var connection = await store.DataSource.OpenConnectionAsync();
        for (var i = 0; i < 3; i++)
        {
            await using var repeated = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname = $1", connection);
            repeated.Parameters.Add(new Npgsql.NpgsqlParameter { Value = "jobs" });
            await repeated.ExecuteScalarAsync();
        }

        await using var count = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%relname = $1%'", connection);
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Insert_ConcurrentSingles_AreGroupedAndAllStored()
    {
        var tasks = Enumerable.Range(0, 200)
            .Select(i => _store.InsertAsync([Jobs.New(key: (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture))], Jobs.Now, CancellationToken.None))
            .ToArray();
        var results = (await Task.WhenAll(tasks)).Select(r => r[0]).ToArray();

        Assert.Equal(50, results.Count(r => r.Created));
        Assert.Equal(50, results.Select(r => r.Job.Id).Distinct().Count());
    }
}
