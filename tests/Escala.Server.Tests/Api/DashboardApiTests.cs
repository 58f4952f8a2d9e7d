using System.Net;
using Escala.Server.Tests.Support;
using Escala.Server.Tests.Support.Handlers;

namespace Escala.Server.Tests.Api;

/// <summary>What the dashboard asks of the API: stats, discard, search by idempotency key, and its own page.</summary>
public sealed class DashboardApiTests : NodeTest
{
    [Fact]
    public async Task Stats_AfterJobsRun_CountsThemInTheCurrentStep()
    {
        var done = await Api.SubmitIdAsync(new { kind = "echo", queue = "fast" });
        var failed = await Api.SubmitIdAsync(new { kind = FlakyHandler.JobKind, queue = "fast", maxAttempts = 1, args = new { failures = 1 } });
        await Api.WaitForStateAsync(done, "completed");
        await Api.WaitForStateAsync(failed, "dead");

        var stats = await Api.GetAsync("/v1/stats?window=1m");

        Assert.Equal("1s", stats.GetProperty("step").GetString());
        var points = stats.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(60, points.Count);
        Assert.Equal(2, points.Sum(p => p.GetProperty("submitted").GetInt64()));
        Assert.Equal(1, points.Sum(p => p.GetProperty("completed").GetInt64()));
        Assert.Equal(1, points.Sum(p => p.GetProperty("failed").GetInt64()));
        Assert.Contains(points, p => p.GetProperty("latencyP95Ms").ValueKind == System.Text.Json.JsonValueKind.Number);
        Assert.True(stats.GetProperty("breakers").TryGetProperty("llm", out _));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("10s")]
    [InlineData("1h")]
    public async Task Stats_BadWindow_Returns400NamingIt(string window)
    {
        using var response = await Node.Http.GetAsync($"/v1/stats?window={window}");

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "window");
    }

    [Fact]
    public async Task Discard_DeadJob_204ThenGone()
    {
        var id = await Api.SubmitIdAsync(new { kind = FlakyHandler.JobKind, queue = "fast", maxAttempts = 1, args = new { failures = 1 } });
        await Api.WaitForStateAsync(id, "dead");

        using var discard = await Node.Http.DeleteAsync($"/v1/jobs/{id}");
        using var again = await Node.Http.DeleteAsync($"/v1/jobs/{id}");
        using var get = await Node.Http.GetAsync($"/v1/jobs/{id}");

        Assert.Equal(HttpStatusCode.NoContent, discard.StatusCode);
        await Problem.AssertAsync(again, HttpStatusCode.NotFound);
        await Problem.AssertAsync(get, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Discard_WaitingJob_409AndKept()
    {
        var id = await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h" });

        using var discard = await Node.Http.DeleteAsync($"/v1/jobs/{id}");

        await Problem.AssertAsync(discard, HttpStatusCode.Conflict);
        Assert.Equal("scheduled", EscalaApi.State(await Api.GetJobAsync(id)));
    }

    [Fact]
    public async Task List_ByIdempotencyKey_ReturnsOnlyThatJob()
    {
        var id = await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h", idempotencyKey = "order-7" });
        await Api.SubmitIdAsync(new { kind = "echo", queue = "fast", delay = "1h", idempotencyKey = "order-8" });

        var page = await Api.GetAsync("/v1/jobs?idempotencyKey=order-7");

        Assert.Equal([id], page.GetProperty("jobs").EnumerateArray().Select(EscalaApi.Id));
    }

    [Fact]
    public async Task Root_ServesTheEmbeddedPageWithAStrictPolicy()
    {
        using var page = await Node.Http.GetAsync("/");
        using var script = await Node.Http.GetAsync("/dashboard/app.js");
        using var missing = await Node.Http.GetAsync("/dashboard/nope.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/dashboard/app.js", await page.Content.ReadAsStringAsync());
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        conditional.Headers.IfNoneMatch.Add(script.Headers.ETag!);
        using var notModified = await Node.Http.SendAsync(conditional);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }
}
