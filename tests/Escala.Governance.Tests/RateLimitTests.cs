namespace Escala.Governance.Tests;

/// <summary>A resource's rate limit holds cluster-wide with two nodes on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RateLimitTests(PostgresServer postgres)
{
    // "10/3s" is "60/min" scaled down (in permits and window) so the test runs in about 10 s, not 4 minutes.
    private const int Permits = 10;
    private const int WindowMs = 3000;

    // The fake stamps a start when the request reaches it, a few ms after the lease that admitted it; jitter
    // between two requests can move a start by up to this much, so windows are measured this much shorter.
    private const int TransportJitterMs = 250;

    [Fact]
    public async Task Lease_RateLimitTwoNodes_NoWindowHoldsMoreStartsThanPermits()
    {
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await using var fake = await FakeDependency.StartAsync();
            Dictionary<string, string?> Settings(string node) => NodeSettings.Of(
                ("NodeId", node), ("Resources:llm:Rate", $"{Permits}/3s"), ("Queues:default:Concurrency", "10"));
            await using var first = await EscalaNode.StartAsync(database, Settings("n1"));
            await using var second = await EscalaNode.StartAsync(database, Settings("n2"));

            await first.SubmitAsync(Enumerable.Range(0, 40).Select(_ => EscalaNode.HttpJob(fake.Url("llm", "latency=50ms"), "llm")));
            await second.WaitCompletedAsync(40, TimeSpan.FromSeconds(120));

            var starts = (await fake.StatsAsync("llm")).StartTimesUnixMs;
            Assert.Equal(40, starts.Length);
            for (var i = 0; i + Permits < starts.Length; i++)
            {
                // Any Permits + 1 starts span at least one window: at most Permits in every sliding window.
                Assert.True(starts[i + Permits] - starts[i] >= WindowMs - TransportJitterMs,
                    $"starts {i}..{i + Permits} within {starts[i + Permits] - starts[i]} ms");
            }

            // Not starved either: 40 starts need 4 windows (the last batch starts at 9 s); allow one poll per window.
            var span = starts[^1] - starts[0];
            Assert.True(span < (4 * WindowMs) + 3000, $"40 starts took {span} ms");
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }
}
