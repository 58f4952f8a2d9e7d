using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Escala.Execution;
using Escala.Workloads.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Escala.Workloads.Tests.Http;

public sealed class HttpJobHandlerTests : IClassFixture<EndpointServer>, IDisposable
{
    private readonly EndpointServer _server;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ServiceProvider _services;
    private readonly HttpJobHandler _sut;

    public HttpJobHandlerTests(EndpointServer server)
    {
        _server = server;
        // The test server is on loopback, which the http kind refuses unless allowed.
        _services = new ServiceCollection().AddSingleton<TimeProvider>(_time)
            .AddSingleton(new EgressPolicy(new Escala.Configuration.EgressOptions { Allow = ["127.0.0.1/32"] }))
            .AddEscalaWorkloads().BuildServiceProvider();
        _sut = _services.GetServices<IJobHandler>().OfType<HttpJobHandler>().Single();
    }

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task ExecuteAsync_200_ReturnsStatusAndParsedJsonBody()
    {
        var result = await RunAsync(new
        {
            url = _server.Url("/echo"),
            body = new { prompt = "hi", n = 2 },
            headers = new Dictionary<string, string> { ["X-Custom"] = "yes" },
        });

        Assert.Equal(200, result.Status);
        var body = result.Body!.Value;
        Assert.Equal("POST", body.GetProperty("method").GetString());
        Assert.StartsWith("application/json", body.GetProperty("contentType").GetString());
        Assert.Equal("yes", body.GetProperty("custom").GetString());
        Assert.Equal("hi", body.GetProperty("received").GetProperty("prompt").GetString());
        Assert.Equal(2, body.GetProperty("received").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task ExecuteAsync_ResultSerialized_HasStatusAndBody()
    {
        var result = await RunAsync(new { url = _server.Url("/echo"), method = "put", body = new List<int> { 1, 2 } });

        var json = JsonSerializer.Serialize<object>(result, JsonSerializerOptions.Web);

        Assert.Equal("""{"status":200,"body":{"method":"PUT","contentType":"application/json; charset=utf-8","custom":"","received":[1,2]}}""", json);
    }

    [Fact]
    public async Task ExecuteAsync_NoBodyArgument_SendsEmptyObject()
    {
        var result = await RunAsync(new { url = _server.Url("/echo") });

        Assert.Equal(JsonValueKind.Object, result.Body!.Value.GetProperty("received").ValueKind);
        Assert.Empty(result.Body!.Value.GetProperty("received").EnumerateObject());
    }

    [Fact]
    public async Task ExecuteAsync_ContentTypeHeader_OverridesJsonDefault()
    {
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/vnd.api+json" };

        var result = await RunAsync(new { url = _server.Url("/echo"), headers });

        Assert.Equal("application/vnd.api+json", result.Body!.Value.GetProperty("contentType").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_InvalidHeaderName_ThrowsPermanentNamingTheHeader()
    {
        var headers = new Dictionary<string, string> { ["Bad Header"] = "x" };

        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => RunAsync(new { url = _server.Url("/echo"), headers }));

        Assert.Contains("args.headers.Bad Header", ex.Message);
    }

    [Fact]
    public async Task ExecuteAsync_Get_SendsNoBody()
    {
        var result = await RunAsync(new { url = _server.Url("/bodyless"), method = "GET", body = new { ignored = true } });

        Assert.Equal("GET", result.Body!.Value.GetProperty("method").GetString());
        Assert.Equal(JsonValueKind.Null, result.Body!.Value.GetProperty("length").ValueKind);
    }

    [Fact]
    public async Task ExecuteAsync_TextResponse_ReturnsBodyAsString()
    {
        var result = await RunAsync(new { url = _server.Url("/text") });

        Assert.Equal("plain words", result.Body!.Value.GetString());
    }

    [Fact]
    public async Task ExecuteAsync_InvalidJsonResponse_ReturnsBodyAsString()
    {
        var result = await RunAsync(new { url = _server.Url("/broken-json") });

        Assert.Equal("{not json", result.Body!.Value.GetString());
    }

    [Fact]
    public async Task ExecuteAsync_BodyOver64KiB_TruncatesTo64KiB()
    {
        var result = await RunAsync(new { url = _server.Url("/big") });

        Assert.Equal(64 * 1024, result.Body!.Value.GetString()!.Length);
    }

    [Fact]
    public async Task ExecuteAsync_204_ReturnsNullBody()
    {
        var result = await RunAsync(new { url = _server.Url("/empty") });

        Assert.Equal(204, result.Status);
        Assert.Null(result.Body);
    }

    [Fact]
    public async Task ExecuteAsync_503WithRetryAfterSeconds_ThrowsTransientWithRetryAfter()
    {
        var ex = await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(new { url = _server.Url("/status/503?retryAfter=7") }));

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Contains("503", ex.Message);
    }

    [Fact]
    public async Task ExecuteAsync_503WithRetryAfterDate_ThrowsTransientWaitingUntilThatDate()
    {
        var date = (_time.GetUtcNow() + TimeSpan.FromSeconds(90)).ToString("R");

        var ex = await Assert.ThrowsAsync<TransientJobException>(
            () => RunAsync(new { url = _server.Url($"/status/503?retryAfter={Uri.EscapeDataString(date)}") }));

        Assert.Equal(TimeSpan.FromSeconds(90), ex.RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_429_ThrowsTransient()
    {
        var ex = await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(new { url = _server.Url("/status/429?retryAfter=2") }));

        Assert.Equal(TimeSpan.FromSeconds(2), ex.RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_429WithoutRetryAfter_ThrowsTransientThrottleWithZeroWait()
    {
        var ex = await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(new { url = _server.Url("/status/429") }));

        // Zero: no pause, but a throttle all the same (an adaptive limit backs off).
        Assert.Equal(TimeSpan.Zero, ex.RetryAfter);
    }

    [Fact]
    public async Task ExecuteAsync_500WithoutRetryAfter_ThrowsTransientWithoutRetryAfter()
    {
        var ex = await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(new { url = _server.Url("/status/500") }));

        Assert.Null(ex.RetryAfter);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task ExecuteAsync_Other4xx_ThrowsPermanent(int status)
    {
        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => RunAsync(new { url = _server.Url($"/status/{status}") }));

        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Fact]
    public async Task ExecuteAsync_ServerSlowerThanTimeout_ThrowsTransient()
    {
        var run = RunAsync(new { url = _server.Url("/hang?id=timeout"), timeout = "5s" });
        await _server.Arrived("timeout");

        _time.Advance(TimeSpan.FromSeconds(5));

        var ex = await Assert.ThrowsAsync<TransientJobException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("timed out after 5s", ex.Message);
    }

    [Fact]
    public async Task ExecuteAsync_TokenCancelled_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var run = RunAsync(new { url = _server.Url("/hang?id=cancel") }, cts.Token);
        await _server.Arrived("cancel");

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ExecuteAsync_ConnectionRefused_ThrowsTransient()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await Assert.ThrowsAsync<TransientJobException>(() => RunAsync(new { url = $"http://127.0.0.1:{port}/hook" }));
    }

    [Theory]
    [InlineData("""{}""", "args.url is required")]
    [InlineData("""{"url": null}""", "args.url is required")]
    [InlineData("""{"url": 12}""", "args.url must be an absolute URL")]
    [InlineData("""{"url": "not a url"}""", "args.url must be an absolute URL")]
    [InlineData("""{"url": "/relative/hook"}""", "args.url must be an absolute URL")]
    [InlineData("""{"url": "ftp://example.com/file"}""", "args.url must use http or https, not 'ftp'")]
    [InlineData("""{"url": "file:///etc/passwd"}""", "args.url must use http or https, not 'file'")]
    [InlineData("""[1, 2]""", "the arguments must be a JSON object")]
    [InlineData("""{"url": "http://127.0.0.1/", "method": "NOT A METHOD"}""", "args.method must be an HTTP method")]
    [InlineData("""{"url": "http://127.0.0.1/", "method": 5}""", "args.method must be an HTTP method")]
    [InlineData("""{"url": "http://127.0.0.1/", "timeout": "30"}""", "args.timeout must be a duration")]
    [InlineData("""{"url": "http://127.0.0.1/", "timeout": "0s"}""", "args.timeout must be a duration")]
    [InlineData("""{"url": "http://127.0.0.1/", "headers": ["x"]}""", "args.headers must be an object")]
    [InlineData("""{"url": "http://127.0.0.1/", "headers": {"X-N": 1}}""", "args.headers.X-N must be a string")]
    public async Task ExecuteAsync_InvalidArguments_ThrowsPermanentNamingTheArgument(string args, string expected)
    {
        var ex = await Assert.ThrowsAsync<PermanentJobException>(() => _sut.ExecuteAsync(TestJobs.Context("http", args), CancellationToken.None));

        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public async Task ExecuteAsync_SendsJobIdAttemptAndIdempotencyKeyHeaders()
    {
        var result = await RunAsync(new { url = _server.Url("/caller") }, attempt: 3, idempotencyKey: "order-42");

        var body = result.Body!.Value;
        Assert.Equal("42", body.GetProperty("jobId").GetString());
        Assert.Equal("3", body.GetProperty("attempt").GetString());
        Assert.Equal("order-42", body.GetProperty("idempotencyKey").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_JobWithoutIdempotencyKey_SendsOneStableForTheJob()
    {
        var first = await RunAsync(new { url = _server.Url("/caller") }, attempt: 1);
        var second = await RunAsync(new { url = _server.Url("/caller") }, attempt: 2);

        Assert.Equal("escala-job-42", first.Body!.Value.GetProperty("idempotencyKey").GetString());
        Assert.Equal("escala-job-42", second.Body!.Value.GetProperty("idempotencyKey").GetString());
        Assert.Equal("2", second.Body!.Value.GetProperty("attempt").GetString());
    }

    [Fact]
    public async Task ExecuteAsync_HeaderInArgs_WinsOverTheCallerHeader()
    {
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "mine" };

        var result = await RunAsync(new { url = _server.Url("/caller"), headers }, attempt: 1, idempotencyKey: "job-key");

        Assert.Equal("mine", result.Body!.Value.GetProperty("idempotencyKey").GetString());
    }

    private Task<HttpJobResult> RunAsync(object args, CancellationToken cancellationToken = default) =>
        RunAsync(args, attempt: 1, idempotencyKey: null, cancellationToken);

    private async Task<HttpJobResult> RunAsync(object args, int attempt, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var context = TestJobs.Context("http", JsonSerializer.Serialize(args, JsonSerializerOptions.Web), attempt, idempotencyKey);
        var result = await _sut.ExecuteAsync(context, cancellationToken);
        return Assert.IsType<HttpJobResult>(result);
    }
}
