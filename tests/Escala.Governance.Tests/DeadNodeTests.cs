using System.Net.Http.Json;

namespace Escala.Governance.Tests;

/// <summary>A node killed with SIGKILL gives its resource slots back when its leases expire.</summary>
[Collection(PostgresCollection.Name)]
public sealed class DeadNodeTests(PostgresServer postgres)
{
    [Fact]
    public async Task Rescue_NodeKilledHoldingSlots_OtherNodeRunsEverything()
    {
        var database = await postgres.CreateDatabaseAsync();
        try
        {
            await using var fake = await FakeDependency.StartAsync();
            Dictionary<string, string?> Settings(string node) => NodeSettings.Of(
                ("NodeId", node),
                ("Resources:llm:Concurrency", "2"),
                ("Execution:LeaseDuration", "3s"),
                ("Maintenance:RescueInterval", "500ms"),
                ("Maintenance:LeaderTtl", "2s"),
                ("Queues:default:Backoff", "100ms"));
            var slow = fake.Url("llm", "latency=8s&cap=2");
            var url = fake.Url("llm", "latency=300ms&cap=2");
            using var doomed = await ChildNode.StartAsync(database, Settings("doomed"));
            using (var submit = await doomed.Http.PostAsJsonAsync("/v1/jobs/batch", new { jobs = new[] { EscalaNode.HttpJob(slow, "llm"), EscalaNode.HttpJob(slow, "llm") } }))
            {
                submit.EnsureSuccessStatusCode();
            }

            await Eventually.UntilAsync(async () => (await fake.StatsAsync("llm")).InFlight == 2, TimeSpan.FromSeconds(60), "doomed node runs 2 llm jobs");
            await using var survivor = await EscalaNode.StartAsync(database, Settings("survivor"));
            await survivor.SubmitAsync(Enumerable.Range(0, 4).Select(_ => EscalaNode.HttpJob(url, "llm")));
            doomed.Kill();

            await survivor.WaitCompletedAsync(6, TimeSpan.FromSeconds(90));
            var stats = await fake.StatsAsync("llm");
            Assert.Equal(0, stats.Violations);
            Assert.Equal(2, stats.MaxConcurrency);
            Assert.Equal(8, stats.Total); // 2 cut short by the kill, then all 6 to completion
        }
        finally
        {
            await postgres.DropDatabaseAsync(database);
        }
    }
}
