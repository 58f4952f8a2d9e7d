using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>
/// <c>/metrics</c> of a real <c>escala serve</c> process as a Prometheus user expects it: every configured queue and
/// resource present at 0 before any job, runtime and process metrics, a real <c>service.name</c>, and no
/// <c>otel_scope_name</c> label on every series.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PrometheusConventionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Metrics_AtStartUp_EveryQueueAndResourceAtZero_RuntimeProcessAndServiceName()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Queues": { "ai": { "Concurrency": 2 }, "mail": { "Concurrency": 1 } },
              "Resources": { "llm": { "Concurrency": 7, "Breaker": { "Failures": 3 } }, "ocr": { "Concurrency": 3 } },
              "Telemetry": { "ServiceName": "escala-test" }
            }
            """);
        using var server = await ServerProcess.StartAsync(Path.Combine(_dir.Path, "data"), config);

        var lines = (await server.Http.GetStringAsync("/metrics")).Split('\n');

        foreach (var queue in new[] { "ai", "mail", "default" })
        {
            foreach (var counter in new[] { "submitted", "completed", "failed", "retried", "dead", "rescued" })
            {
                Assert.Contains($"escala_jobs_{counter}_total{{queue=\"{queue}\"}} 0", lines);
            }
        }

        foreach (var to in new[] { "closed", "open", "half_open" })
        {
            Assert.Contains($"escala_breaker_transitions_total{{resource=\"llm\",to=\"{to}\"}} 0", lines);
        }

        Assert.Contains("escala_breaker_status{resource=\"llm\",state=\"closed\"} 1", lines);
        Assert.Contains("escala_breaker_status{resource=\"llm\",state=\"open\"} 0", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("escala_breaker_status{resource=\"ocr\"", StringComparison.Ordinal));
        Assert.Contains("escala_resource_limit{resource=\"llm\"} 7", lines);
        Assert.Contains("escala_resource_in_use{resource=\"ocr\"} 0", lines);
        Assert.Contains("escala_resource_waiting{resource=\"llm\"} 0", lines);
        Assert.Contains("escala_resource_paused{resource=\"llm\"} 0", lines);
        Assert.Contains(lines, l => l.StartsWith("dotnet_gc_collections_total", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("dotnet_thread_pool_thread_count", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("process_cpu_time_seconds_total", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("process_memory_usage_bytes", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("target_info{", StringComparison.Ordinal) && l.Contains("service_name=\"escala-test\"", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("otel_scope_name", StringComparison.Ordinal));
    }

    public void Dispose() => _dir.Dispose();
}
