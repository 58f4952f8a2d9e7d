using Escala.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Governance.Tests;

/// <summary>A per-tenant cap within a queue keeps one tenant's backlog from starving another tenant.</summary>
public sealed class FairnessTests
{
    [Fact]
    public async Task Lease_TenantCap_SmallTenantFinishesWhileBigTenantWaits()
    {
        await using var fake = await FakeDependency.StartAsync();
        await using var node = await EscalaNode.StartAsync(NodeSettings.SqliteDirectory(), NodeSettings.Of(
            ("Queues:default:Concurrency", "10"),
            ("Queues:default:TenantConcurrency", "2")));
        var client = node.App.Services.GetRequiredService<JobClient>();
        JobRequest Call(string path) => new() { Kind = "http", Args = $$"""{"url": "{{fake.Url(path, "latency=200ms")}}"}""" };

        // Tenants come from API keys later; for now they exist only in the store, so submit through the client.
        await client.SubmitManyAsync("tenant-a", Enumerable.Range(0, 200).Select(_ => Call("a")).ToArray(), "jobs", CancellationToken.None);
        await client.SubmitManyAsync("tenant-b", Enumerable.Range(0, 10).Select(_ => Call("b")).ToArray(), "jobs", CancellationToken.None);

        await Eventually.UntilAsync(async () => (await fake.StatsAsync("b")).Total == 10 && (await fake.StatsAsync("b")).InFlight == 0,
            TimeSpan.FromSeconds(60), "tenant B's 10 calls done");
        var aCalls = (await fake.StatsAsync("a")).Total;

        Assert.True(aCalls < 100, $"tenant A made {aCalls} of its 200 calls before B's 10 were done");
        Assert.Equal(2, (await fake.StatsAsync("a")).MaxConcurrency);
        Assert.Equal(2, (await fake.StatsAsync("b")).MaxConcurrency);
    }
}
