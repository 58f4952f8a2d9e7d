using System.Text.Json;

namespace Escala.Governance.Tests;

/// <summary>An open breaker holds its jobs back without burning attempts; a half-open probe closes it.</summary>
public sealed class BreakerTests
{
    [Fact]
    public async Task Breaker_DependencyFailsThenHeals_JobsWaitWithReasonThenComplete()
    {
        await using var fake = await FakeDependency.StartAsync();
        await using var node = await EscalaNode.StartAsync(NodeSettings.SqliteDirectory(), NodeSettings.Of(
            ("Resources:llm:Concurrency", "1"),
            ("Resources:llm:Breaker:Failures", "3"),
            ("Resources:llm:Breaker:Window", "10s"),
            ("Resources:llm:Breaker:OpenFor", "8s"),
            ("Resources:llm:Breaker:Probes", "1"),
            ("Queues:default:MaxAttempts", "20"),
            ("Queues:default:Backoff", "100ms"),
            ("Queues:default:MaxBackoff", "200ms")));
        await fake.ConfigureAsync("llm", new { failRatio = 1.0, latency = "20ms" });

        var ids = await node.SubmitAsync(Enumerable.Range(0, 10).Select(_ => EscalaNode.HttpJob(fake.Url("llm"), "llm")));
        await Eventually.UntilAsync(async () => (await node.ResourceAsync("llm")).GetProperty("breaker").GetString() == "open",
            TimeSpan.FromSeconds(30), "breaker open");

        // While open: no job needing llm is leased, so no attempt is spent and the dependency sees nothing.
        var attempts = await AttemptsAsync(node, ids);
        var calls = (await fake.StatsAsync("llm")).Total;
        var resource = await node.ResourceAsync("llm");
        Assert.Contains("breaker open", resource.GetProperty("waitingReason").GetString());
        var waiting = await FirstAvailableAsync(node, ids);
        Assert.Contains("breaker open", waiting.GetProperty("waitingReason").GetString());
        var metrics = await node.Http.GetStringAsync("/metrics");
        Assert.Contains("escala_breaker_transitions_total", metrics);
        Assert.Contains("escala_breaker_state", metrics);
        Assert.Equal(attempts, await AttemptsAsync(node, ids));
        Assert.Equal(calls, (await fake.StatsAsync("llm")).Total);

        // Those reads only prove something if the breaker was still open after them: openFor (8 s) leaves room.
        var stillOpen = await node.ResourceAsync("llm");
        Assert.Equal("open", stillOpen.GetProperty("breaker").GetString());

        // Healed before openFor ends: the half-open probe succeeds, the breaker closes, the rest complete.
        await fake.ConfigureAsync("llm", new { latency = "20ms" });
        await node.WaitCompletedAsync(10, TimeSpan.FromSeconds(60));
        Assert.Equal("closed", (await node.ResourceAsync("llm")).GetProperty("breaker").GetString());
        Assert.Equal(0, (await fake.StatsAsync("llm")).Violations);
        Assert.Contains("to=\"closed\"", await node.Http.GetStringAsync("/metrics"));
    }

    private static async Task<int> AttemptsAsync(EscalaNode node, long[] ids)
    {
        var total = 0;
        foreach (var id in ids)
        {
            total += (await node.GetJobAsync(id)).GetProperty("attempt").GetInt32();
        }

        return total;
    }

    private static async Task<JsonElement> FirstAvailableAsync(EscalaNode node, long[] ids)
    {
        foreach (var id in ids)
        {
            var job = await node.GetJobAsync(id);
            if (job.GetProperty("state").GetString() == "available")
            {
                return job;
            }
        }

        throw new InvalidOperationException("no available job");
    }
}
