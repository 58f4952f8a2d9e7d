using System.Diagnostics;
using Xunit.Abstractions;

namespace Escala.Cluster.Tests;

/// <summary><c>GET /v1/nodes</c>: every live node with its role; a dead node leaves after the node TTL.</summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Cluster")]
public sealed class NodeRegistryTests(PostgresCluster postgres, ITestOutputHelper output)
{
    private static readonly TimeSpan NodeTtl = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Nodes_ThreeLiveNodesOneKilled_KilledNodeDisappearsAfterTtl()
    {
        var store = await postgres.CreateDatabaseAsync();
        var settings = NodeSettings.Fast(("Maintenance:NodeTtl", "3s"));
        await using var all = NodeProcess.Start("registry-all", store, settings, role: "all");
        await using var api = NodeProcess.Start("registry-api", store, settings, role: "api");
        await using var worker = NodeProcess.Start("registry-worker", store, settings, role: "worker");
        await Task.WhenAll(new[] { all, api, worker }.Select(n => n.WaitReadyAsync(TimeSpan.FromSeconds(90))));

        IReadOnlyList<NodeEntry> nodes = [];
        Assert.True(await EscalaHttp.EventuallyAsync(async () =>
        {
            nodes = await EscalaHttp.NodesAsync(api.BaseAddress);
            return nodes.Count == 3;
        }, TimeSpan.FromSeconds(20)), $"Expected 3 nodes, got: {string.Join(", ", nodes)}");
        Assert.Equal("all", nodes.Single(n => n.Id == all.Name).Role);
        Assert.Equal("api", nodes.Single(n => n.Id == api.Name).Role);
        Assert.Equal("worker", nodes.Single(n => n.Id == worker.Name).Role);

        worker.Kill();
        var killedAt = Stopwatch.StartNew();
        var gone = await EscalaHttp.EventuallyAsync(async () =>
        {
            nodes = await EscalaHttp.NodesAsync(all.BaseAddress);
            return nodes.All(n => n.Id != worker.Name);
        }, NodeTtl + TimeSpan.FromSeconds(7));
        output.WriteLine($"{worker.Name} left the registry after {killedAt.Elapsed.TotalSeconds:F1} s (NodeTtl {NodeTtl.TotalSeconds} s)");
        Assert.True(gone, $"{worker.Name} still listed: {string.Join(", ", nodes)}");
        Assert.True(killedAt.Elapsed >= NodeTtl - TimeSpan.FromSeconds(1.5), "The node left before its TTL could have passed.");
        Assert.Equal(2, nodes.Count);
    }
}
