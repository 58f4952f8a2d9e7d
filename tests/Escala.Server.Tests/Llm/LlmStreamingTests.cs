using System.Net;
using System.Text;
using System.Text.Json;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Llm;

/// <summary>llm.chat through a real node: tokens stream as SSE <c>token</c> events, the result has the message and usage.</summary>
// Alone (not beside other nodes of this process): OpenTelemetry keeps the first of two same-named instruments,
// so another node's would hide this node's metrics.
[Collection(ProcessCollection.Name)]
public sealed class LlmStreamingTests
{
    [Fact]
    public async Task LlmChat_Streaming_TokensArriveAsTokenEventsThenDoneWithMessageAndUsage()
    {
        await using var fake = await FakeModel.StartAsync(new { completionTokens = 40, tokensPerSecond = 100, latency = "100ms" });
        await using var node = await TestNode.StartAsync(new Dictionary<string, string?>
        {
            ["Models:qwen:Endpoints:0"] = fake.Endpoint,
            ["Models:qwen:Model"] = "qwen2.5:7b",
        });

        var job = await node.Api.SubmitAsync(new
        {
            kind = "llm.chat",
            args = new { model = "qwen", messages = new[] { new { role = "user", content = "tell me more" } } },
        });
        var id = EscalaApi.Id(job);
        Assert.Contains("llm", job.GetProperty("resources").EnumerateArray().Select(r => r.GetString()));
        await using var stream = await SseStream.OpenAsync(node.Http, $"/v1/jobs/{id}/events");

        var text = new StringBuilder();
        var tokenEvents = 0;
        SseEvent? done = null;
        for (var i = 0; i < 200 && done is null; i++)
        {
            var next = await stream.NextAsync();
            if (next.Name == "token")
            {
                Assert.Equal(text.Length, next.Data.GetProperty("offset").GetInt32());
                text.Append(next.Data.GetProperty("text").GetString());
                tokenEvents++;
            }
            else if (next.Name == "done")
            {
                done = next;
            }
        }

        Assert.NotNull(done);
        Assert.Equal("completed", EscalaApi.State(done.Data));
        var result = done.Data.GetProperty("result");
        var content = result.GetProperty("message").GetProperty("content").GetString();
        Assert.Equal(content, text.ToString());
        Assert.Equal(40, content!.Split(' ').Length);

        // 40 tokens over ~400 ms, published every 50 ms: the reply came in several events, not all at the end.
        Assert.True(tokenEvents >= 3, $"{tokenEvents} token events");
        Assert.Equal("stop", result.GetProperty("finishReason").GetString());
        Assert.Equal(40, result.GetProperty("usage").GetProperty("outputTokens").GetInt32());
        Assert.True(result.GetProperty("timeToFirstTokenMs").GetDouble() >= 95);

        await MetricLines.WaitForAsync(node.Http, "escala_llm_output_tokens_total", "model=\"qwen\",tenant=\"default\"} 40");
        await MetricLines.WaitForAsync(node.Http, "escala_llm_time_to_first_token_seconds_count", "model=\"qwen\"} 1");
    }

    [Fact]
    public async Task ExternalWorker_ProgressWithGrowingText_StreamsOnlyTheNewPartAsTokenEvents()
    {
        await using var node = await TestNode.StartAsync();
        var id = await node.Api.SubmitIdAsync(new { kind = "py.generate", queue = "ext" });
        using var lease = await node.Api.PostJsonAsync("/v1/workers/lease", new { queues = new[] { "ext" }, max = 1, wait = "5s", worker = "py" });
        var token = (await EscalaApi.ReadAsync(lease)).GetProperty("jobs")[0].GetProperty("leaseToken").GetString();
        await using var stream = await SseStream.OpenAsync(node.Http, $"/v1/jobs/{id}/events");
        Assert.Equal("state", (await stream.NextAsync()).Name);

        var parts = new List<string>();
        foreach (var sofar in new[] { "Olá", "Olá, mun", "Olá, mundo" })
        {
            using var progress = await node.Api.PostJsonAsync("/v1/workers/progress", new { id, leaseToken = token, progress = new { text = sofar } });
            await EscalaApi.ExpectAsync(progress, HttpStatusCode.OK);
            var next = await stream.NextAsync();
            Assert.Equal("token", next.Name);
            parts.Add(next.Data.GetProperty("text").GetString()!);
        }

        Assert.Equal(["Olá", ", mun", "do"], parts);
    }
}
