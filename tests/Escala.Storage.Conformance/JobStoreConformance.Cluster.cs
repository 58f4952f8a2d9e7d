using Xunit;

namespace Escala.Storage.Conformance;

public abstract partial class JobStoreConformance
{
    private static readonly TimeSpan LeaderTtl = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task TryLead_OneLeaderAtATime()
    {
        Assert.True(await Store.TryLeadAsync("n1", LeaderTtl, T0, Ct));
        Assert.False(await Store.TryLeadAsync("n2", LeaderTtl, T0.AddSeconds(1), Ct));
        Assert.True(await Store.TryLeadAsync("n1", LeaderTtl, T0.AddSeconds(10), Ct));
        Assert.False(await Store.TryLeadAsync("n2", LeaderTtl, T0.AddSeconds(20), Ct));
    }

    [Fact]
    public async Task TryLead_AfterTtl_OtherNodeTakesOver()
    {
        Assert.True(await Store.TryLeadAsync("n1", LeaderTtl, T0, Ct));

        Assert.True(await Store.TryLeadAsync("n2", LeaderTtl, T0 + LeaderTtl + TimeSpan.FromSeconds(1), Ct));
        Assert.False(await Store.TryLeadAsync("n1", LeaderTtl, T0 + LeaderTtl + TimeSpan.FromSeconds(2), Ct));
    }

    [Fact]
    public async Task Resign_Leader_OtherNodeTakesOverAtOnce()
    {
        Assert.True(await Store.TryLeadAsync("n1", LeaderTtl, T0, Ct));
        await Store.ResignAsync("n2", Ct);
        Assert.False(await Store.TryLeadAsync("n2", LeaderTtl, T0, Ct));

        await Store.ResignAsync("n1", Ct);

        Assert.True(await Store.TryLeadAsync("n2", LeaderTtl, T0.AddSeconds(1), Ct));
    }

    [Fact]
    public async Task BeatNode_InsertThenUpdate_ListedOnce()
    {
        await Store.BeatNodeAsync(new NodeInfo("n1", "all", "host-a", T0, T0, Leader: false), Ct);
        await Store.BeatNodeAsync(new NodeInfo("n1", "worker", "host-a", T0, T0.AddSeconds(5), Leader: true), Ct);

        var node = Assert.Single(await Store.ListNodesAsync(T0, Ct));

        Assert.Equal(new NodeInfo("n1", "worker", "host-a", T0, T0.AddSeconds(5), Leader: true), node);
    }

    [Fact]
    public async Task ListNodes_AfterATakeover_OnlyTheNewLeaderShowsAsLeader()
    {
        Assert.True(await Store.TryLeadAsync("n1", LeaderTtl, T0, Ct));
        await Store.BeatNodeAsync(new NodeInfo("n1", "all", "h", T0, T0, Leader: true), Ct);

        // n1 dies without resigning; once its term runs out n2 takes over.
        var later = T0 + LeaderTtl + TimeSpan.FromSeconds(1);
        Assert.True(await Store.TryLeadAsync("n2", LeaderTtl, later, Ct));
        await Store.BeatNodeAsync(new NodeInfo("n2", "all", "h", later, later, Leader: true), Ct);

        var nodes = await Store.ListNodesAsync(T0, Ct);

        Assert.Equal([("n1", false), ("n2", true)], nodes.Select(node => (node.Id, node.Leader)));
    }

    [Fact]
    public async Task ListNodes_StaleNodes_DeletedAndOmitted()
    {
        await Store.BeatNodeAsync(new NodeInfo("old", "all", "h", T0, T0, false), Ct);
        await Store.BeatNodeAsync(new NodeInfo("fresh", "all", "h", T0, T0.AddMinutes(1), false), Ct);

        Assert.Equal(["fresh"], (await Store.ListNodesAsync(T0.AddSeconds(30), Ct)).Select(node => node.Id));
        Assert.Equal(["fresh"], (await Store.ListNodesAsync(T0.AddSeconds(-30), Ct)).Select(node => node.Id));
    }

    [Fact]
    public async Task RemoveNode_NodeGone()
    {
        await Store.BeatNodeAsync(new NodeInfo("n1", "all", "h", T0, T0, false), Ct);
        await Store.BeatNodeAsync(new NodeInfo("n2", "api", "h", T0, T0, false), Ct);

        await Store.RemoveNodeAsync("n1", Ct);

        Assert.Equal(["n2"], (await Store.ListNodesAsync(T0, Ct)).Select(node => node.Id));
    }

    [Fact]
    public async Task Ping_ReachableStore_True()
    {
        Assert.True(await Store.PingAsync(Ct));
    }

    [Fact]
    public async Task Migrate_Twice_StoreStillWorks()
    {
        await Store.MigrateAsync(Ct);
        await Store.MigrateAsync(Ct);

        Assert.Single(await InsertAsync(NewJob()));
    }
}
