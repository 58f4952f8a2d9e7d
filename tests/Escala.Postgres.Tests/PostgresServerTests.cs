using Npgsql;

namespace Escala.Postgres.Tests;

/// <summary>
/// The test fixture itself, on a server it did not start (what <c>.ci/run</c> gives through <c>ESCALA_TEST_POSTGRES</c>):
/// it leaves no database behind and its clean-up does not throw. Its template clean-up once threw on such a server,
/// which failed a CI run whose tests all passed.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresServerTests(PostgresServer server)
{
    [Fact]
    public async Task Dispose_OnAServerItDidNotStart_DropsItsTemplatesAndLeavesTheServerUp()
    {
        var before = await TestDatabasesAsync();
        var fixture = PostgresServer.On(server.ConnectionString);
        await fixture.InitializeAsync();

        var copy = await fixture.CreateDatabaseAsync("a-table", async connectionString =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE t (id int)", connection);
            await create.ExecuteNonQueryAsync();
        });
        Assert.Equal(before.Count + 2, (await TestDatabasesAsync()).Count); // the template and its copy
        await fixture.DropDatabaseAsync(copy);

        await fixture.DisposeAsync();

        Assert.Equal(before, await TestDatabasesAsync());
    }

    private async Task<List<string>> TestDatabasesAsync()
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'escala_test_%' ORDER BY datname", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
