using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary><c>--role api</c> takes work and runs none; <c>--role worker</c> runs it.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class RolesTests(PostgresCluster postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task Roles_JobsSubmittedToApiNode_AreRunByWorkerNode()
    {
        var store = await postgres.CreateDatabaseAsync();
        var settings = NodeSettings.Fast();
        await using var api = NodeProcess.Start("roles-api", store, settings, role: "api");
        await using var worker = NodeProcess.Start("roles-worker", store, settings, role: "worker");
        await Task.WhenAll(api.WaitReadyAsync(TimeSpan.FromSeconds(90)), worker.WaitReadyAsync(TimeSpan.FromSeconds(90)));

        var ids = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            ids.Add(await EscalaHttp.SubmitOkAsync(api.BaseAddress, EscalaHttp.SleepJob($"roles-{i}", 1500)));
        }

        // While they run, every lease is held by the worker node.
        var table = new JobsTable(store);
        var holders = new HashSet<string>();
        Assert.True(await EscalaHttp.EventuallyAsync(async () =>
        {
            foreach (var (_, by) in await table.RunningAsync())
            {
                holders.Add(by);
            }

            return holders.Count > 0;
        }, TimeSpan.FromSeconds(20)), "No job started.");

        JobCounts? counts = null;
        await EscalaHttp.EventuallyAsync(async () =>
        {
            foreach (var (_, by) in await table.RunningAsync())
            {
                holders.Add(by);
            }

            counts = await table.CountAsync(ids);
            return counts.Completed == ids.Count;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));

        output.WriteLine($"lease holders seen: {string.Join(", ", holders)}; completed {counts?.Completed}/{ids.Count}");
        Assert.Equal([worker.Name], holders);
        Assert.Equal(ids.Count, counts?.Completed);
    }
}
