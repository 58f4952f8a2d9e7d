using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;

namespace Escala.FakeDependency.Tests;

/// <summary><c>capacity</c> and <c>queue</c>: a server with that many workers, whose latency grows with the load beyond them.</summary>
public sealed class CapacityTests
{
    [Fact]
    public async Task Post_BeyondCapacity_WaitsItsTurnThen429BeyondTheQueue()
    {
        await using var server = await FakeDependencyServer.StartAsync();
        // A latency long enough that all five calls arrive within the first turn even on a busy machine (CI once saw the
        // fifth arrive after 300 ms, when the first two were done and a slot was free), after a warm-up call.
        using var put = await server.Client.PutAsJsonAsync("/_config/ollama", new { latency = "1s", capacity = 2, queue = 2 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        await server.StatsAsync("ollama");

        var watch = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 5).Select(async _ =>
        {
            using var response = await server.Client.PostAsync("/ollama", null);
            return (response.StatusCode, watch.Elapsed);
        }).ToArray();
        var answers = await Task.WhenAll(calls);

        // Two served at once, two waiting a turn (twice the latency), the fifth refused at once.
        var ok = answers.Where(a => a.StatusCode == HttpStatusCode.OK).Select(a => a.Elapsed).Order().ToArray();
        Assert.Equal(4, ok.Length);
        Assert.Equal(HttpStatusCode.TooManyRequests, Assert.Single(answers, a => a.StatusCode != HttpStatusCode.OK).StatusCode);
        Assert.True(ok[3] >= TimeSpan.FromMilliseconds(1990), $"the last answered after {ok[3].TotalMilliseconds} ms");
        var stats = await server.StatsAsync("ollama");
        Assert.Equal(1, stats.GetProperty("byStatus").GetProperty("429").GetInt64());
    }

    [Fact]
    public async Task PutConfig_CapacityAndQueue_AreEchoed()
    {
        await using var server = await FakeDependencyServer.StartAsync();

        using var put = await server.Client.PutAsJsonAsync("/_config/ollama", new { capacity = 4, queue = 8 });
        var body = await put.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();

        Assert.Equal(4, body.GetProperty("capacity").GetInt32());
        Assert.Equal(8, body.GetProperty("queue").GetInt32());
    }
}
