using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Escala.FakeDependency.Tests.OpenAI;

public sealed class FakeChatModelTests : IAsyncLifetime
{
    private FakeDependencyServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeDependencyServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object Chat(string text, bool stream = false, int? maxTokens = null) => new
    {
        model = "qwen",
        messages = new object[] { new { role = "system", content = "be brief" }, new { role = "user", content = text } },
        stream,
        max_tokens = maxTokens,
    };

    private async Task ConfigureAsync(object settings) =>
        (await _server.Client.PutAsJsonAsync("/_openai/config", settings)).EnsureSuccessStatusCode();

    [Fact]
    public async Task Complete_NotStreaming_EchoesTheUserWithUsage()
    {
        await ConfigureAsync(new { completionTokens = 5 });
        var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", Chat("hello there"));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var choice = body.GetProperty("choices")[0];
        Assert.Equal("hello there hello there hello", choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal("qwen", body.GetProperty("model").GetString());
        var usage = body.GetProperty("usage");
        Assert.Equal(2 + 3 + 2 + 3, usage.GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("completion_tokens").GetInt32());
        Assert.Equal(15, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_MaxTokensBelowReply_StopsWithLength()
    {
        await ConfigureAsync(new { completionTokens = 10 });
        var body = await (await _server.Client.PostAsJsonAsync("/v1/chat/completions", Chat("a b", maxTokens: 3))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("length", body.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(3, body.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Complete_Streaming_SendsTokensOneByOneAtTheConfiguredSpeedThenUsage()
    {
        await ConfigureAsync(new { completionTokens = 6, tokensPerSecond = 20, latency = "100ms" });
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat("one two", stream: true)) };
        var clock = Stopwatch.StartNew();
        using var response = await _server.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var content = new StringBuilder();
        var arrivals = new List<TimeSpan>();
        JsonElement? usage = null;
        string? finish = null;
        var done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            if (line == "data: [DONE]")
            {
                done = true;
                break;
            }

            var chunk = JsonDocument.Parse(line[6..]).RootElement;
            if (chunk.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object)
            {
                usage = u.Clone();
            }

            foreach (var choice in chunk.GetProperty("choices").EnumerateArray())
            {
                if (choice.GetProperty("delta").TryGetProperty("content", out var token))
                {
                    content.Append(token.GetString());
                    arrivals.Add(clock.Elapsed);
                }

                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                {
                    finish = choice.GetProperty("finish_reason").GetString();
                }
            }
        }

        Assert.True(done);
        Assert.Equal("one two one two one two", content.ToString());
        Assert.Equal(6, arrivals.Count);
        Assert.Equal("stop", finish);
        Assert.Equal(6, usage!.Value.GetProperty("completion_tokens").GetInt32());

        // Lower bounds only (a slow reader can see tokens bunched, never early): the latency before the first
        // token, and the latency plus 5 × 50 ms before the last.
        Assert.True(arrivals[0] >= TimeSpan.FromMilliseconds(95), $"first token after {arrivals[0]}");
        Assert.True(arrivals[^1] >= TimeSpan.FromMilliseconds(345), $"last token after {arrivals[^1]}");
    }

    [Fact]
    public async Task Complete_Rate429_AnswersWithRetryAfter()
    {
        await ConfigureAsync(new { rate429 = 1, retryAfter = 7 });
        var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", Chat("x"));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Complete_ErrorRate_Answers500AndCountsIt()
    {
        await ConfigureAsync(new { errorRate = 1 });
        var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", Chat("x"));
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var stats = await _server.Client.GetFromJsonAsync<JsonElement>("/_openai/stats");
        Assert.Equal(1, stats.GetProperty("errors").GetInt64());
        Assert.Equal(0, stats.GetProperty("served").GetInt64());
    }

    [Fact]
    public async Task Complete_OverTokenBudget_429WithTokenHeadersAndNeverServesMore()
    {
        // Each request: prompt 2 + 3 + 1 + 3 = 9, reply 11 → 20 tokens; a budget of 50 serves two per window.
        await ConfigureAsync(new { completionTokens = 11, tokenBudget = 50, budgetWindow = "1m" });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", Chat("x"));
            statuses.Add(response.StatusCode);
            refused = response.StatusCode == HttpStatusCode.TooManyRequests ? response : refused;
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("50", refused!.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        Assert.EndsWith("s", refused.Headers.GetValues("x-ratelimit-reset-tokens").Single(), StringComparison.Ordinal);
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var stats = await _server.Client.GetFromJsonAsync<JsonElement>("/_openai/stats");
        Assert.Equal(40, stats.GetProperty("maxTokensInWindow").GetInt64());
        Assert.Equal(2, stats.GetProperty("throttled").GetInt64());
    }

    [Fact]
    public async Task Complete_WithApiKeyConfigured_RefusesAWrongKey()
    {
        await ConfigureAsync(new { apiKey = "sk-test" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await _server.Client.PostAsJsonAsync("/v1/chat/completions", Chat("x"))).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat("x")) };
        request.Headers.Authorization = new("Bearer", "sk-test");
        Assert.Equal(HttpStatusCode.OK, (await _server.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Complete_NoMessages_400()
    {
        var response = await _server.Client.PostAsJsonAsync("/v1/chat/completions", new { model = "x" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Config_UnknownSetting_400()
    {
        var response = await _server.Client.PutAsJsonAsync("/_openai/config", new { speed = 3 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
