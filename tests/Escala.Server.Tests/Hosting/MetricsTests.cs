using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>
/// <c>/metrics</c> of a real <c>escala serve</c> process. (A process of its own: with several nodes built in one
/// test process, OpenTelemetry's meter listeners see each other's instruments and a scrape misses counters.)
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MetricsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Metrics_AfterAJob_ExposeJobQueueLeaseAndHttpInstruments()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, """
            { "Logging": { "LogLevel": { "Default": "Warning" } }, "Queues": { "fast": { "Concurrency": 4 } } }
            """);
        using var server = await ServerProcess.StartAsync(Path.Combine(_dir.Path, "data"), config);
        using (var submit = await server.Api.PostJsonAsync("/v1/jobs?wait=5s", new { kind = "noop", queue = "fast" }))
        {
            Assert.Equal("completed", EscalaApi.State(await EscalaApi.ReadAsync(submit)));
        }

        using (var later = await server.Api.PostJsonAsync("/v1/jobs", new { kind = "noop", queue = "fast", runAt = DateTimeOffset.UtcNow.AddHours(1) }))
        {
            Assert.Equal("scheduled", EscalaApi.State(await EscalaApi.ReadAsync(later)));
        }

        var text = await Eventually.UntilAsync(
            () => server.Http.GetStringAsync("/metrics"),
            t => t.Contains("escala_jobs_completed_total{", StringComparison.Ordinal) && t.Split('\n').Any(ScheduledDepthIsOne),
            "the completed counter, and the queue depth gauge counting the scheduled job (sampled every 10 s)", TimeSpan.FromSeconds(25));

        var lines = text.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("escala_jobs_completed_total{", StringComparison.Ordinal)
            && l.Contains("queue=\"fast\"", StringComparison.Ordinal) && l.Contains("kind=\"noop\"", StringComparison.Ordinal));
        // The gauge counts jobs not yet final only: finished jobs are the counters' business.
        Assert.DoesNotContain(lines, l => l.StartsWith("escala_queue_depth{", StringComparison.Ordinal) && l.Contains("state=\"completed\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("escala_job_lease_latency_seconds_bucket{", StringComparison.Ordinal) && l.Contains("queue=\"fast\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal));
    }

    private static bool ScheduledDepthIsOne(string line) =>
        line.StartsWith("escala_queue_depth{", StringComparison.Ordinal) && line.Contains("queue=\"fast\"", StringComparison.Ordinal)
        && line.Contains("state=\"scheduled\"", StringComparison.Ordinal) && line.TrimEnd().EndsWith("} 1", StringComparison.Ordinal);

    public void Dispose() => _dir.Dispose();
}
