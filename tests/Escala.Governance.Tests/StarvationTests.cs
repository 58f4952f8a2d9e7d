using System.Diagnostics;

namespace Escala.Governance.Tests;

/// <summary>Jobs that need nothing keep flowing past jobs held back by a saturated resource.</summary>
public sealed class StarvationTests
{
    [Fact]
    public async Task Lease_SaturatedResourceAhead_ResourceFreeJobsStillFlow()
    {
        await using var fake = await FakeDependency.StartAsync();
        await using var node = await EscalaNode.StartAsync(NodeSettings.SqliteDirectory(), NodeSettings.Of(
            ("Resources:llm:Concurrency", "1"),
            ("Queues:default:Concurrency", "4")));

        // 40 × 500 ms through one slot: the llm backlog lasts about 20 s.
        await node.SubmitAsync(Enumerable.Range(0, 40).Select(_ => EscalaNode.HttpJob(fake.Url("llm", "latency=500ms&cap=1"), "llm")));
        var clock = Stopwatch.StartNew();
        await node.SubmitAsync(Enumerable.Range(0, 40).Select(_ => new { kind = "noop" }));

        await Eventually.UntilAsync(async () => await node.CountKindAsync("noop", "completed") == 40, TimeSpan.FromSeconds(30), "40 noops completed");
        var noopsTook = clock.Elapsed;
        var llmDone = await node.CountKindAsync("http", "completed");

        // All noops went through while most llm jobs still waited: the 4 workers were never parked on llm.
        Assert.True(llmDone < 40, $"llm jobs all done ({llmDone}) before the noops ({noopsTook})");
        Assert.True(await node.CountKindAsync("http", "available") > 0);
        Assert.True(noopsTook < TimeSpan.FromSeconds(10), $"noops took {noopsTook}");
        var stats = await fake.StatsAsync("llm");
        Assert.Equal(1, stats.MaxConcurrency);
        Assert.Equal(0, stats.Violations);
    }
}
