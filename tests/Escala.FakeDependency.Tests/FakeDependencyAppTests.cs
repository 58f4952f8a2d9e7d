using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Escala.FakeDependency.Tests;

public sealed class FakeDependencyAppTests
{
    [Fact]
    public async Task Post_Latency_AnswersNoSoonerThanAsked()
    {
        await using var server = await FakeDependencyServer.StartAsync();

        var watch = Stopwatch.StartNew();
        using var response = await server.Client.PostAsync("/llm?latency=200ms", null);
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(195), $"answered after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Post_ConfiguredLatency_AppliesWithoutQuery()
    {
        await using var server = await FakeDependencyServer.StartAsync();
        using var put = await server.Client.PutAsJsonAsync("/_config/gov", new { latency = "0.3s", jitter = "10ms" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var watch = Stopwatch.StartNew();
        using var response = await server.Client.PostAsync("/gov", new StringContent("{}"));
        watch.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(295), $"answered after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Post_FailRatioOne_AlwaysAnswers500()
    {
        await using var server = await FakeDependencyServer.StartAsync();

        for (var i = 0; i < 5; i++)
        {
            using var response = await server.Client.PostAsync("/ocr?failRatio=1", null);
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        var stats = await server.StatsAsync("ocr");
        Assert.Equal(5, stats.GetProperty("total").GetInt64());
        Assert.Equal(5, stats.GetProperty("byStatus").GetProperty("500").GetInt64());
    }

    [Fact]
    public async Task Post_MoreThanCapInFlight_Answers503AndCountsViolation()
    {
        await using var server = await FakeDependencyServer.StartAsync();
        using var put = await server.Client.PutAsJsonAsync("/_config/pii", new { latency = "2s", cap = 2 });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var slow = new[] { server.Client.PostAsync("/pii", null), server.Client.PostAsync("/pii", null) };
        await server.WaitForInFlightAsync("pii", 2);
        using var third = await server.Client.PostAsync("/pii", null);
        var answers = await Task.WhenAll(slow);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        var body = await third.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("cap exceeded", body.GetProperty("error").GetString());
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));
        var stats = await server.StatsAsync("pii");
        Assert.Equal(1, stats.GetProperty("violations").GetInt64());
        Assert.Equal(3, stats.GetProperty("maxConcurrency").GetInt64());
        Assert.Equal(0, stats.GetProperty("inFlight").GetInt64());
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }

    [Fact]
    public async Task Post_Rate429One_Answers429WithRetryAfter()
    {
        await using var server = await FakeDependencyServer.StartAsync();

        using var response = await server.Client.PostAsync("/llm?rate429=1&retryAfter=7", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Post_InvalidDuration_Answers400NamingTheSetting()
    {
        await using var server = await FakeDependencyServer.StartAsync();

        using var response = await server.Client.PostAsync("/llm?latency=soon", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("latency", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutConfig_UnknownSetting_Answers400()
    {
        await using var server = await FakeDependencyServer.StartAsync();

        using var response = await server.Client.PutAsJsonAsync("/_config/llm", new { latncy = "1s" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("latncy", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_RecordStartTimesPerRequest()
    {
        await using var server = await FakeDependencyServer.StartAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        for (var i = 0; i < 3; i++)
        {
            using var response = await server.Client.PostAsync("/webhook", null);
        }

        var stats = await server.StatsAsync("webhook");
        var starts = stats.GetProperty("startTimesUnixMs").EnumerateArray().Select(start => start.GetInt64()).ToList();
        Assert.Equal(3, starts.Count);
        Assert.All(starts, start => Assert.True(start >= before));
        Assert.Equal(starts.Order(), starts);
    }

    [Fact]
    public async Task Reset_ForgetsStatsAndConfig()
    {
        await using var server = await FakeDependencyServer.StartAsync();
        using var put = await server.Client.PutAsJsonAsync("/_config/llm", new { failRatio = 1 });
        using var failed = await server.Client.PostAsync("/llm", null);
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        using var reset = await server.Client.PostAsync("/_reset", null);

        Assert.Equal(HttpStatusCode.NoContent, reset.StatusCode);
        var all = await server.Client.GetFromJsonAsync<JsonElement>("/_stats");
        Assert.Empty(all.EnumerateObject());
        Assert.Equal(0, (await server.StatsAsync("llm")).GetProperty("total").GetInt64());
        using var ok = await server.Client.PostAsync("/llm", null);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }
}
