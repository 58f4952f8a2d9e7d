namespace Escala.Governance.Tests;

/// <summary>A resource's concurrency limit holds cluster-wide, as the dependency itself counts it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrencyLimitTests(PostgresServer postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    private static Dictionary<string, string?> Settings(string node) => NodeSettings.Of(
        ("NodeId", node),
        ("Resources:llm:Concurrency", "3"),
        ("Queues:default:Concurrency", "10"));

    [Fact]
    public async Task Lease_SqliteOneNode_DependencyNeverSeesMoreThanLimit()
    {
        await using var fake = await FakeDependency.StartAsync();
        await using var node = await EscalaNode.StartAsync(NodeSettings.SqliteDirectory(), Settings("n1"));

        await node.SubmitAsync(Enumerable.Range(0, 30).Select(_ => EscalaNode.HttpJob(fake.Url("llm", "latency=200ms&cap=3"), "llm")));
        await node.WaitCompletedAsync(30, Deadline);

        var stats = await fake.StatsAsync("llm");
        Assert.Equal(30, stats.Total);
        Assert.Equal(0, stats.Violations);
        Assert.Equal(3, stats.MaxConcurrency);
    }

    [Fact]
    public async Task Lease_PostgresTwoNodes_DependencyNeverSeesMoreThanLimit()
    {
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await using var fake = await FakeDependency.StartAsync();
            await using var first = await EscalaNode.StartAsync(database, Settings("n1"));
            await using var second = await EscalaNode.StartAsync(database, Settings("n2"));

            await first.SubmitAsync(Enumerable.Range(0, 30).Select(_ => EscalaNode.HttpJob(fake.Url("llm", "latency=200ms&cap=3"), "llm")));
            await second.WaitCompletedAsync(30, Deadline);

            var stats = await fake.StatsAsync("llm");
            Assert.Equal(30, stats.Total);
            Assert.Equal(0, stats.Violations);
            Assert.Equal(3, stats.MaxConcurrency);
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }
}
