using System.Text.Json;

namespace Escala.Governance.Tests;

/// <summary>A 429 with Retry-After from the dependency pauses its resource for every job that needs it.</summary>
public sealed class RetryAfterTests
{
    [Fact]
    public async Task Record_429WithRetryAfter_NoStartUntilItPasses()
    {
        await using var fake = await FakeDependency.StartAsync();
        await using var node = await EscalaNode.StartAsync(NodeSettings.SqliteDirectory(), NodeSettings.Of(
            ("Resources:llm:Concurrency", "2"),
            ("Queues:default:Backoff", "100ms")));
        await fake.ConfigureAsync("llm", new { rate429 = 1.0, retryAfter = 2 });

        await node.SubmitAsync([EscalaNode.HttpJob(fake.Url("llm"), "llm")]);
        await Eventually.UntilAsync(async () => (await fake.StatsAsync("llm")).Total >= 1, TimeSpan.FromSeconds(30), "the 429");
        // The fake counts the call when it starts; the node pauses the resource only once it has read the 429.
        // Jobs submitted in between would rightly start: wait for the pause itself.
        await Eventually.UntilAsync(async () => (await node.ResourceAsync("llm")).GetProperty("pausedUntil").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(30), "the resource paused");
        await fake.ConfigureAsync("llm", new { latency = "50ms" });
        await node.SubmitAsync(Enumerable.Range(0, 5).Select(_ => EscalaNode.HttpJob(fake.Url("llm"), "llm")));
        await node.WaitCompletedAsync(6, TimeSpan.FromSeconds(60));

        var starts = (await fake.StatsAsync("llm")).StartTimesUnixMs;
        Assert.Equal(7, starts.Length);
        var rateLimitedAt = starts[0];
        // The pause runs from when the 429 was read, after the fake stamped its start: nothing starts before 2 s.
        Assert.All(starts.Skip(1), start => Assert.True(start - rateLimitedAt >= 2000, $"started {start - rateLimitedAt} ms after the 429"));
        Assert.True(starts[^1] - rateLimitedAt < 20_000, "the jobs resumed");
    }
}
