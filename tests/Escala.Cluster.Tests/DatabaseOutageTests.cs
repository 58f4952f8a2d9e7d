using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary>
/// PostgreSQL stops under a running node: the node turns unready and refuses submits with a clear 503;
/// once PostgreSQL is back it is ready again without anyone touching it, and every job completes.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class DatabaseOutageTests(PostgresCluster postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task DatabaseOutage_StopAndStartPostgres_NodeRefusesWith503ThenRecoversAndCompletesJobs()
    {
        var store = await postgres.CreateDatabaseAsync();
        await using var node = NodeProcess.Start("outage", store, NodeSettings.Fast());
        await node.WaitReadyAsync(TimeSpan.FromSeconds(90));

        var before = new List<long>
        {
            await EscalaHttp.SubmitOkAsync(node.BaseAddress, EscalaHttp.SleepJob("outage-quick", 10)),
            // Still running when the database goes away: its outcome must reach the store afterwards.
            await EscalaHttp.SubmitOkAsync(node.BaseAddress, EscalaHttp.SleepJob("outage-running", 3000)),
            // Still scheduled when the database goes away: the leader must promote it afterwards.
            await EscalaHttp.SubmitOkAsync(node.BaseAddress, new { kind = "sleep", args = new { ms = 10 }, delay = "4s", idempotencyKey = "outage-scheduled" }),
        };
        var table = new JobsTable(store);
        Assert.True(await EscalaHttp.EventuallyAsync(async () => (await table.RunningAsync()).Count > 0, TimeSpan.FromSeconds(20)));

        await postgres.StopAsync();
        try
        {
            Assert.True(await EscalaHttp.EventuallyAsync(async () => !await node.IsReadyAsync(), TimeSpan.FromSeconds(30)),
                "/health/ready stayed 200 with PostgreSQL down.");
            var (status, body, contentType, retryAfter) = await EscalaHttp.SubmitAsync(node.BaseAddress, EscalaHttp.SleepJob("outage-during", 10));
            output.WriteLine($"submit during outage: {(int)status} {contentType} Retry-After: {retryAfter}\n{body}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("application/problem+json", contentType);
            Assert.False(string.IsNullOrEmpty(retryAfter), "503 without Retry-After.");
            using var problem = JsonDocument.Parse(body);
            Assert.Equal(503, problem.RootElement.GetProperty("status").GetInt32());
        }
        finally
        {
            await postgres.StartAsync();
        }

        Assert.True(await EscalaHttp.EventuallyAsync(node.IsReadyAsync, TimeSpan.FromSeconds(60)),
            $"The node did not become ready again after PostgreSQL came back.\n{node.Tail()}");
        var after = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            after.Add(await EscalaHttp.SubmitOkAsync(node.BaseAddress, EscalaHttp.SleepJob($"outage-after-{i}", 10)));
        }

        // The job refused during the outage is accepted now, once.
        after.Add(await EscalaHttp.SubmitOkAsync(node.BaseAddress, EscalaHttp.SleepJob("outage-during", 10)));

        var ids = before.Concat(after).ToArray();
        JobCounts? counts = null;
        var done = await EscalaHttp.EventuallyAsync(async () =>
        {
            counts = await table.CountAsync(ids);
            return counts.Completed == ids.Length;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        output.WriteLine($"completed {counts?.Completed}/{ids.Length}, re-executions {counts?.ReExecutions}");
        Assert.True(done, $"Only {counts?.Completed} of {ids.Length} jobs completed after the outage.\n{node.Tail(60)}");
    }
}
