using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>The JSON logs of a real <c>escala serve</c> process: job context in, job data out.</summary>
[Collection(ProcessCollection.Name)]
public sealed class LoggingTests : IDisposable
{
    private const string Secret = "s3cr3t-token-4711";
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Logs_FailedHttpJob_CarryJobContextButNoArgumentsOrUrl()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, "{}");
        using var server = await ServerProcess.StartAsync(Path.Combine(_dir.Path, "data"), config);

        // Port 9 (discard) refuses: the attempt fails and is logged. The URL and the args hold the secret.
        var job = new { kind = "http", maxAttempts = 1, args = new { url = $"http://127.0.0.1:9/hooks/{Secret}?token={Secret}", body = new { password = Secret } } };
        using (var submit = await server.Api.PostJsonAsync("/v1/jobs?wait=10s", job))
        {
            Assert.Equal("dead", EscalaApi.State(await EscalaApi.ReadAsync(submit)));
        }

        var failure = await Eventually.UntilAsync(
            () => Task.FromResult(server.Child.Output.Split('\n').FirstOrDefault(l => l.Contains("\"EventId\":1002", StringComparison.Ordinal))),
            line => line is not null, "the attempt's failure in the log", TimeSpan.FromSeconds(10));

        Assert.Contains("\"JobId\":1", failure, StringComparison.Ordinal);
        Assert.Contains("\"Kind\":\"http\"", failure, StringComparison.Ordinal);
        Assert.Contains("\"Queue\":\"default\"", failure, StringComparison.Ordinal);
        Assert.Contains("\"TraceId\":", failure, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, server.Child.Output, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
