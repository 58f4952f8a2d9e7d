using System.Text.Json;
using Escala.Configuration;
using Escala.Execution;
using Escala.Workloads.Llm;

namespace Escala.Workloads.Tests.Llm;

public sealed class LlmChatHandlerTests
{
    private static readonly string[] Words = ["alpha", "beta", "gamma"];

    private static Dictionary<string, ModelOptions> Models(params (string Name, ModelOptions Options)[] models) =>
        models.ToDictionary(m => m.Name, m => m.Options, StringComparer.Ordinal);

    private static ModelOptions Model(params FakeModel[] endpoints) => new() { Endpoints = [.. endpoints.Select(e => e.Endpoint)], EndpointFailures = 1 };

    private static async Task<LlmChatResult> RunAsync(LlmChatHandler handler, string args, List<string>? progress = null)
    {
        var context = TestJobs.Context("llm.chat", args, p => progress?.Add(p));
        return (LlmChatResult)(await handler.ExecuteAsync(context, CancellationToken.None))!;
    }

    [Fact]
    public async Task Execute_Streaming_PublishesTheGrowingTextAndReturnsMessageUsageAndFinish()
    {
        await using var fake = await FakeModel.StartAsync(new { completionTokens = 30, tokensPerSecond = 200, latency = "50ms" });
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake))));
        var progress = new List<string>();

        var result = await RunAsync(handler, LlmHarness.Args("alpha beta gamma"), progress);

        var expected = string.Join(' ', Enumerable.Range(0, 30).Select(i => Words[i % 3]));
        Assert.Equal(expected, result.Message.Content);
        Assert.Equal("assistant", result.Message.Role);
        Assert.Equal("stop", result.FinishReason);
        Assert.Equal("qwen", result.Model);
        Assert.Equal("llm.qwen.0", result.Endpoint);
        Assert.Null(result.FallbackFrom);
        Assert.Equal(new LlmUsage(2 + 3 + 3 + 3, 30, 41), result.Usage);
        Assert.True(result.TimeToFirstTokenMs >= 45, $"first token after {result.TimeToFirstTokenMs} ms");
        Assert.True(result.DurationMs > result.TimeToFirstTokenMs);

        // ~150 ms of tokens published every 50 ms: several progress reports, each a prefix of the next, the last the whole reply.
        Assert.True(progress.Count >= 2, $"{progress.Count} progress reports");
        var texts = progress.Select(p => JsonDocument.Parse(p).RootElement.GetProperty("text").GetString()!).ToList();
        for (var i = 1; i < texts.Count; i++)
        {
            Assert.StartsWith(texts[i - 1], texts[i], StringComparison.Ordinal);
        }

        Assert.Equal(expected, texts[^1]);
        Assert.Equal(30, JsonDocument.Parse(progress[^1]).RootElement.GetProperty("tokens").GetInt32());
    }

    [Fact]
    public async Task Execute_NotStreaming_ReturnsTheWholeReplyWithoutProgress()
    {
        await using var fake = await FakeModel.StartAsync(new { completionTokens = 4 });
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake))));
        var progress = new List<string>();

        var result = await RunAsync(handler, LlmHarness.Args("hi", stream: false, maxTokens: 3), progress);

        Assert.Equal("hi hi hi", result.Message.Content);
        Assert.Equal("length", result.FinishReason);
        Assert.Equal(3, result.Usage.OutputTokens);
        Assert.Empty(progress);
        Assert.Equal(0, (await fake.StatsAsync()).GetProperty("streamed").GetInt64());
    }

    [Fact]
    public async Task Execute_OnlyOneModel_ModelMayBeLeftOut()
    {
        await using var fake = await FakeModel.StartAsync(new { completionTokens = 1 });
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake))));
        Assert.Equal("x", (await RunAsync(handler, LlmHarness.Args("x", model: null))).Message.Content);
    }

    [Fact]
    public async Task Execute_429_IsTransientWithTheProvidersRetryAfter()
    {
        await using var fake = await FakeModel.StartAsync(new { rate429 = 1, retryAfter = 7 });
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake))));

        var ex = await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(handler, LlmHarness.Args("x")));

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Contains("llm.qwen.0 answered 429", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_5xx_OpensTheEndpointsBreakerAndLaterCallsGoToTheOtherEndpoint()
    {
        await using var broken = await FakeModel.StartAsync(new { errorRate = 1 });
        await using var healthy = await FakeModel.StartAsync(new { completionTokens = 2 });
        var handler = LlmHarness.Handler(Models(("qwen", Model(broken, healthy))));

        var endpoints = new List<string>();
        var failures = 0;
        for (var i = 0; i < 6; i++)
        {
            try
            {
                endpoints.Add((await RunAsync(handler, LlmHarness.Args("x"))).Endpoint);
            }
            catch (TransientJobException ex)
            {
                Assert.Null(ex.RetryAfter);
                failures++;
            }
        }

        Assert.Equal(1, failures);
        Assert.Equal(5, endpoints.Count);
        Assert.All(endpoints, e => Assert.Equal("llm.qwen.1", e));
        Assert.Equal(1, (await broken.StatsAsync()).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Execute_EveryEndpointOpen_FallsBackToTheFallbackModel()
    {
        await using var broken = await FakeModel.StartAsync(new { errorRate = 1 });
        await using var other = await FakeModel.StartAsync(new { completionTokens = 2 });
        var qwen = Model(broken);
        qwen.Fallback = "gemma";
        var handler = LlmHarness.Handler(Models(("qwen", qwen), ("gemma", Model(other))));

        await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(handler, LlmHarness.Args("x")));
        var result = await RunAsync(handler, LlmHarness.Args("hello"));

        Assert.Equal("gemma", result.Model);
        Assert.Equal("qwen", result.FallbackFrom);
        Assert.Equal("llm.gemma.0", result.Endpoint);
        Assert.Equal("hello hello", result.Message.Content);
    }

    [Fact]
    public async Task Execute_BreakerOpenAndNoFallback_FailsTransientlyWithoutCallingIt()
    {
        await using var broken = await FakeModel.StartAsync(new { errorRate = 1 });
        var handler = LlmHarness.Handler(Models(("qwen", Model(broken))));

        await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(handler, LlmHarness.Args("x")));
        var ex = await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(handler, LlmHarness.Args("x")));

        Assert.Contains("breaker open", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await broken.StatsAsync()).GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Execute_OpenBreakerTimeUp_LetsOneProbeThroughWhichClosesIt()
    {
        await using var fake = await FakeModel.StartAsync(new { errorRate = 1 });
        var clock = LlmHarness.Clock();
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake))), clock);
        await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(handler, LlmHarness.Args("x")));
        await fake.ConfigureAsync(new { errorRate = 0, completionTokens = 1 });

        clock.Advance(TimeSpan.FromSeconds(31));
        var result = await RunAsync(handler, LlmHarness.Args("ok"));
        var again = await RunAsync(handler, LlmHarness.Args("ok"));

        Assert.Equal("ok", result.Message.Content);
        Assert.Equal("ok", again.Message.Content);
    }

    [Fact]
    public async Task Execute_WrongKey_IsPermanentAndDoesNotEchoTheProvider()
    {
        await using var fake = await FakeModel.StartAsync(new { apiKey = "sk-right" });
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake))));

        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => RunAsync(handler, LlmHarness.Args("x")));

        Assert.Equal("llm.chat: llm.qwen.0 answered 401.", ex.Message);
    }

    [Theory]
    [InlineData("""{"model":"nope","messages":[{"role":"user","content":"x"}]}""", "args.model")]
    [InlineData("""{"model":"qwen"}""", "args.messages")]
    [InlineData("""{"model":"qwen","messages":[{"role":"robot","content":"x"}]}""", "args.messages[0]")]
    [InlineData("""{"model":"qwen","messages":[{"role":"user","content":"x"}],"maxTokens":0}""", "args.maxTokens")]
    [InlineData("""{"model":"qwen","messages":[{"role":"user","content":"x"}],"temperature":3}""", "args.temperature")]
    public async Task Execute_BadArgs_IsPermanentNamingTheField(string args, string field)
    {
        await using var fake = await FakeModel.StartAsync();
        var handler = LlmHarness.Handler(Models(("qwen", Model(fake)), ("other", Model(fake))));

        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => RunAsync(handler, args));

        Assert.StartsWith($"llm.chat: {field} ", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, (await fake.StatsAsync()).GetProperty("requests").GetInt64());
    }
}
