namespace Escala.Governance.Tests;

/// <summary>Two nodes on one PostgreSQL database share one adaptive limit for a resource.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AdaptiveClusterTests(PostgresServer postgres)
{
    private static Dictionary<string, string?> Settings(string node) => NodeSettings.Of(
        ("NodeId", node),
        ("Resources:svc:Concurrency:Adaptive:Min", "2"),
        ("Resources:svc:Concurrency:Adaptive:Max", "50"),
        ("Queues:default:Concurrency", "64"),
        ("Queues:default:Backoff", "100ms"));

    [Fact]
    public async Task Adaptive_PostgresTwoNodes_OneLimitNearTheDependencysCapacity()
    {
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await using var fake = await FakeDependency.StartAsync();
            await fake.ConfigureAsync("svc", new { latency = "100ms", capacity = 6, queue = 12, retryAfter = 0 });
            await using var first = await EscalaNode.StartAsync(database, Settings("n1"));
            await using var second = await EscalaNode.StartAsync(database, Settings("n2"));

            await first.SubmitAsync(Enumerable.Range(0, 300).Select(_ => EscalaNode.HttpJob(fake.Url("svc"), "svc")));
            await second.WaitCompletedAsync(300, TimeSpan.FromSeconds(90));

            // Each node reads the same limit back from the store (within its one-second refresh).
            await Eventually.UntilAsync(async () =>
                (await first.ResourceAsync("svc")).GetProperty("concurrency").GetInt32() == (await second.ResourceAsync("svc")).GetProperty("concurrency").GetInt32(),
                TimeSpan.FromSeconds(10), "both nodes show the same limit");
            var stats = await fake.StatsAsync("svc");
            Assert.Equal(300, stats.Ok);
            Assert.True(stats.Errors < 0.05 * stats.Total, $"{stats.Errors} errors in {stats.Total} calls");
            // Two limits of their own could have let in up to 100 (max 50 each); the shared one stays near the capacity.
            Assert.True(stats.MaxConcurrency <= 25, $"{stats.MaxConcurrency} calls in flight at once (capacity 6, queue 12)");
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }
}
