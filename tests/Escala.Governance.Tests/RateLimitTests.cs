namespace Escala.Governance.Tests;

/// <summary>A resource's rate limit holds cluster-wide with two nodes on PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class RateLimitTests(PostgresServer postgres)
{
    // "10/3s" is "60/min" scaled down (in permits and window) so the test runs in about 10 s, not 4 minutes.
    private const int Permits = 10;
    private const int WindowMs = 3000;

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

            var ids = await first.SubmitAsync(Enumerable.Range(0, 40).Select(_ => EscalaNode.HttpJob(fake.Url("llm", "latency=50ms"), "llm")));
            await second.WaitCompletedAsync(40, TimeSpan.FromSeconds(120));
            Assert.Equal(40, (await fake.StatsAsync("llm")).StartTimesUnixMs.Length);

            // A start is the lease that admitted the job (its attemptedAt, stamped in the lease's transaction),
            // measured where the limit is enforced rather than where the request lands, which adds network jitter.
            var starts = new List<long>();
            foreach (var id in ids)
            {
                var job = await first.GetJobAsync(id);
                Assert.Equal(1, job.GetProperty("attempt").GetInt32());
                starts.Add(job.GetProperty("attemptedAt").GetDateTimeOffset().ToUnixTimeMilliseconds());
            }

            starts.Sort();
            for (var i = 0; i + Permits < starts.Count; i++)
            {
                // Any Permits + 1 starts span at least one window: at most Permits in every sliding window.
                Assert.True(starts[i + Permits] - starts[i] >= WindowMs,
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
