using System.Diagnostics;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary>When the maintenance leader dies, the other node takes over and rescues the dead node's jobs.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class LeaderFailoverTests(PostgresCluster postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan LeaderTtl = TimeSpan.FromSeconds(3);
    // TryLead runs every LeaderTtl/3; the rest is slack for a busy 2-core machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task KillLeader_OtherNodeTakesOver_AndRescuesItsRunningJobs()
    {
        var store = await postgres.CreateDatabaseAsync();
        var settings = NodeSettings.Fast(("Queues:default:Concurrency", "4"), ("Maintenance:NodeTtl", "30s"));
        await using var a = NodeProcess.Start("leader-a", store, settings);
        await using var b = NodeProcess.Start("leader-b", store, settings);
        await Task.WhenAll(a.WaitReadyAsync(TimeSpan.FromSeconds(90)), b.WaitReadyAsync(TimeSpan.FromSeconds(90)));

        string? leaderId = null;
        Assert.True(await EscalaHttp.EventuallyAsync(async () =>
        {
            leaderId = (await EscalaHttp.NodesAsync(a.BaseAddress)).SingleOrDefault(n => n.Leader)?.Id;
            return leaderId is not null;
        }, TimeSpan.FromSeconds(20)), "No leader appeared in /v1/nodes.");
        var (leader, survivor) = leaderId == a.Name ? (a, b) : (b, a);
        output.WriteLine($"leader: {leader.Name}");

        // Eight 4-second jobs: both nodes run four each.
        var ids = new List<long>();
        for (var i = 0; i < 8; i++)
        {
            ids.Add(await EscalaHttp.SubmitOkAsync(survivor.BaseAddress, EscalaHttp.SleepJob($"failover-{i}", 4000)));
        }

        var table = new JobsTable(store);
        List<(long Id, string LeasedBy)> onLeader = [];
        Assert.True(await EscalaHttp.EventuallyAsync(async () =>
        {
            onLeader = (await table.RunningAsync()).Where(r => r.LeasedBy == leader.Name).ToList();
            return onLeader.Count > 0;
        }, TimeSpan.FromSeconds(20)), "The leader never ran any of the jobs.");

        leader.Kill();
        var killedAt = Stopwatch.StartNew();
        var tookOver = await EscalaHttp.EventuallyAsync(async () =>
            (await EscalaHttp.NodesAsync(survivor.BaseAddress)).Any(n => n.Id == survivor.Name && n.Leader), LeaderTtl + Margin);
        output.WriteLine($"{survivor.Name} leader after {killedAt.Elapsed.TotalSeconds:F1} s; {onLeader.Count} jobs were running on {leader.Name}");
        Assert.True(tookOver, $"{survivor.Name} did not become leader within {LeaderTtl + Margin}.\n{survivor.Tail()}");

        JobCounts? counts = null;
        await EscalaHttp.EventuallyAsync(async () =>
        {
            counts = await table.CountAsync(ids);
            return counts.Completed == ids.Count;
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(250));
        Assert.NotNull(counts);
        Assert.Equal(ids.Count, counts.Completed);
        var rescued = await table.CountAsync(onLeader.Select(r => r.Id).ToArray());
        output.WriteLine($"rescued jobs completed: {rescued.Completed}, re-executions {rescued.ReExecutions}");
        Assert.Equal(onLeader.Count, rescued.Completed);
        Assert.True(rescued.ReExecutions >= onLeader.Count, "The killed node's jobs should have been run again by the survivor.");
    }
}
