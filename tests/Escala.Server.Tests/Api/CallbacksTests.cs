using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Escala.Server.Tests.Support;
using Escala.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Escala.Server.Tests.Api;

/// <summary>Completion callbacks end to end: a real loopback receiver gets the signed outcome; a target the egress rules refuse gets nothing.</summary>
public sealed class CallbacksTests : IDisposable
{
    private const string Secret = "test-secret-0123456789";
    private readonly Support.Handlers.TestHandlers _handlers = new();

    public void Dispose() => _handlers.Dispose();

    [Fact]
    public async Task FinishedJob_OutcomePostedToTheReceiver_SignedWithTheSecret()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var node = await StartNodeAsync(allowLoopback: true);

        var id = await node.Api.SubmitIdAsync(new { kind = "echo", args = new { n = 7 }, callback = new { url = receiver.Url.ToString() } });
        var (headers, body) = await receiver.NextAsync(TimeSpan.FromSeconds(20));

        var signature = headers["Escala-Signature"];
        var parts = signature.Split(',').ToDictionary(p => p.Split('=')[0], p => p.Split('=')[1]);
        var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
        Assert.Equal(expected, parts["v1"]);
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, 0, 60);
        using var payload = JsonDocument.Parse(body);
        var job = payload.RootElement.GetProperty("job");
        Assert.Equal("job.finished", payload.RootElement.GetProperty("event").GetString());
        Assert.Equal(id, job.GetProperty("id").GetInt64());
        Assert.Equal("completed", job.GetProperty("state").GetString());
        Assert.False(job.TryGetProperty("args", out _));
        var stored = await Eventually.UntilAsync(() => CallbacksOfAsync(node, id), c => c[0].DeliveredAt is not null, "the callback recorded as delivered");
        Assert.Equal(1, stored[0].Attempts);
    }

    [Fact]
    public async Task FinishedWorkflow_OutcomePostedOnce_SignedWithTheSecret()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var node = await StartNodeAsync(allowLoopback: true);

        using var submitted = await node.Api.PostJsonAsync("/v1/workflows", new
        {
            name = "report",
            callback = new { url = receiver.Url.ToString() },
            steps = new object[] { new { name = "a", kind = "echo" }, new { name = "b", kind = "echo", dependsOn = new[] { "a" } } },
        });
        await EscalaApi.ExpectAsync(submitted, HttpStatusCode.Created);
        var id = EscalaApi.Id(await EscalaApi.ReadAsync(submitted));
        var (headers, body) = await receiver.NextAsync(TimeSpan.FromSeconds(20));

        var parts = headers["Escala-Signature"].Split(',').ToDictionary(p => p.Split('=')[0], p => p.Split('=')[1]);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{parts["t"]}.{body}")));
        Assert.Equal(expected, parts["v1"]);
        using var payload = JsonDocument.Parse(body);
        var workflow = payload.RootElement.GetProperty("workflow");
        Assert.Equal("workflow.finished", payload.RootElement.GetProperty("event").GetString());
        Assert.Equal((id, "completed"), (workflow.GetProperty("id").GetInt64(), workflow.GetProperty("state").GetString()));
        Assert.Equal("completed", (await EscalaApi.ReadAsync(await node.Http.GetAsync($"/v1/workflows/{id}"))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task LoopbackTargetNotAllowed_CallbackFailsForGood_AndNothingIsSent()
    {
        await using var receiver = await HookReceiver.StartAsync();
        await using var node = await StartNodeAsync(allowLoopback: false);

        var id = await node.Api.SubmitIdAsync(new { kind = "echo", callback = new { url = receiver.Url.ToString() } });

        var stored = await Eventually.UntilAsync(() => CallbacksOfAsync(node, id), c => c[0].FailedAt is not null, "the callback given up");
        Assert.Equal(1, stored[0].Attempts);
        Assert.Contains("security:egress:allow", stored[0].LastError, StringComparison.Ordinal);
        Assert.Null(stored[0].DeliveredAt);
        Assert.Equal(0, receiver.Pending);
    }

    [Fact]
    public async Task ReceiverDown_RetriedWithBackoff_AndDeliveredAfterTheNodeRestarts()
    {
        using var data = new TempDirectory();
        var port = ServerProcess.FreePort();
        var url = $"http://127.0.0.1:{port}/hook";
        long id;
        await using (var first = await StartNodeAsync(allowLoopback: true, data.Path))
        {
            id = await first.Api.SubmitIdAsync(new { kind = "echo", callback = new { url } });
            var failing = await Eventually.UntilAsync(() => CallbacksOfAsync(first, id), c => c[0].Attempts >= 2, "two failed attempts");
            Assert.Null(failing[0].DeliveredAt);
            Assert.Null(failing[0].FailedAt);
            Assert.NotNull(failing[0].LastError);
        }

        await using var receiver = await HookReceiver.StartAsync(port);
        await using var second = await StartNodeAsync(allowLoopback: true, data.Path);

        var (_, body) = await receiver.NextAsync(TimeSpan.FromSeconds(20));

        using var payload = JsonDocument.Parse(body);
        Assert.Equal(id, payload.RootElement.GetProperty("job").GetProperty("id").GetInt64());
        await Eventually.UntilAsync(() => CallbacksOfAsync(second, id), c => c[0].DeliveredAt is not null, "the callback recorded as delivered");
    }

    [Theory]
    [InlineData("ftp://example.com/hook")]
    [InlineData("/relative")]
    [InlineData("https://user:pass@example.com/hook")]
    public async Task Submit_BadCallbackUrl_400NamingIt(string url)
    {
        await using var node = await StartNodeAsync(allowLoopback: false);

        using var response = await node.Api.PostJsonAsync("/v1/jobs", new { kind = "echo", callback = new { url } });

        await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "callback.url");
    }

    [Fact]
    public async Task Submit_CallbackWithoutSecretOnTheServer_400SayingCallbacksAreOff()
    {
        await using var node = await TestNode.StartAsync();

        using var response = await node.Api.PostJsonAsync("/v1/jobs", new { kind = "echo", callback = new { url = "https://example.com/hook" } });

        var problem = await Problem.AssertFieldAsync(response, HttpStatusCode.BadRequest, "callback.url");
        Assert.Contains("callbacks:secret", problem.GetProperty("errors").GetProperty("callback.url")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await node.Api.CountJobsAsync());
    }

    private Task<TestNode> StartNodeAsync(bool allowLoopback, string? dataDirectory = null)
    {
        var settings = new Dictionary<string, string?> { ["Callbacks:Secret"] = Secret, ["Callbacks:Backoff"] = "100ms", ["Callbacks:MaxBackoff"] = "300ms" };
        if (allowLoopback)
        {
            settings["Security:Egress:Allow:0"] = "127.0.0.1";
        }

        return TestNode.StartAsync(settings, _handlers.Register, dataDirectory);
    }

    private static async Task<IReadOnlyList<CallbackStatus>> CallbacksOfAsync(TestNode node, long id)
    {
        var callbacks = await node.App.Services.GetRequiredService<ICallbackStore>().CallbacksOfJobAsync("default", id, CancellationToken.None);
        Assert.Single(callbacks);
        return callbacks;
    }
}
