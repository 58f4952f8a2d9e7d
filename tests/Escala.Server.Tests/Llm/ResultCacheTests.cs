using System.Net;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Llm;

/// <summary>The result cache through a real node: an identical job completes at once, without calling the model.</summary>
// Alone (not beside other nodes of this process): OpenTelemetry keeps the first of two same-named instruments,
// so another node's would hide this node's metrics.
[Collection(ProcessCollection.Name)]
public sealed class ResultCacheTests
{
    private static object Chat(string text, string? ttl = null, bool stream = true) => new
    {
        kind = "llm.chat",
        args = new { model = "qwen", messages = new[] { new { role = "user", content = text } }, stream },
        cache = ttl is null ? null : new { ttl },
    };

    [Fact]
    public async Task Submit_IdenticalJobWithinTtl_CompletesAtOnceFromTheCacheWithoutCallingTheModel()
    {
        await using var fake = await FakeModel.StartAsync(new { completionTokens = 3 });
        await using var node = await TestNode.StartAsync(new Dictionary<string, string?> { ["Models:qwen:Endpoints:0"] = fake.Endpoint });

        var first = await node.Api.SubmitIdAsync(Chat("bom dia", "10m"));
        var done = await node.Api.WaitForStateAsync(first, "completed");
        Assert.False(done.GetProperty("cached").GetBoolean());

        // Same request (stream differs, which does not change the result): a hit, created completed.
        using var response = await node.Api.PostJsonAsync("/v1/jobs", Chat("bom dia", "10m", stream: false));
        await EscalaApi.ExpectAsync(response, HttpStatusCode.Created);
        var hit = await EscalaApi.ReadAsync(response);

        Assert.Equal("completed", EscalaApi.State(hit));
        Assert.True(hit.GetProperty("cached").GetBoolean());
        Assert.Equal(0, hit.GetProperty("attempt").GetInt32());
        Assert.Equal(done.GetProperty("result").GetRawText(), hit.GetProperty("result").GetRawText());
        Assert.Equal(1, (await fake.StatsAsync()).GetProperty("requests").GetInt64());

        // Another prompt, or no cache asked: the model is called.
        Assert.False((await node.Api.WaitForStateAsync(await node.Api.SubmitIdAsync(Chat("boa noite", "10m")), "completed")).GetProperty("cached").GetBoolean());
        Assert.False((await node.Api.WaitForStateAsync(await node.Api.SubmitIdAsync(Chat("bom dia")), "completed")).GetProperty("cached").GetBoolean());
        Assert.Equal(3, (await fake.StatsAsync()).GetProperty("requests").GetInt64());

        await MetricLines.WaitForAsync(node.Http, "escala_cache_hits_total", "kind=\"llm.chat\"} 1");
        await MetricLines.WaitForAsync(node.Http, "escala_cache_misses_total", "kind=\"llm.chat\"} 2");
        await MetricLines.WaitForAsync(node.Http, "escala_cache_hit_ratio", "} 0.3333333333333333");
    }

    [Fact]
    public async Task Submit_KindDefaultTtl_CachesWithoutAskingAndZeroTurnsItOff()
    {
        await using var fake = await FakeModel.StartAsync(new { completionTokens = 1 });
        await using var node = await TestNode.StartAsync(new Dictionary<string, string?>
        {
            ["Models:qwen:Endpoints:0"] = fake.Endpoint,
            ["Cache:Kinds:llm.chat"] = "10m",
        });

        await node.Api.WaitForStateAsync(await node.Api.SubmitIdAsync(Chat("x")), "completed");
        var hit = await node.Api.SubmitAsync(Chat("x"));
        var off = await node.Api.SubmitIdAsync(Chat("x", "0s"));

        Assert.True(hit.GetProperty("cached").GetBoolean());
        Assert.False((await node.Api.WaitForStateAsync(off, "completed")).GetProperty("cached").GetBoolean());
        Assert.Equal(2, (await fake.StatsAsync()).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Submit_BadTtl_400NamingCacheTtl()
    {
        await using var node = await TestNode.StartAsync();

        using var response = await node.Api.PostJsonAsync("/v1/jobs", new { kind = "noop", cache = new { ttl = "forever" } });

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "cache.ttl");
    }
}
