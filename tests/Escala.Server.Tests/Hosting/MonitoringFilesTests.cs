using System.Text.Json;
using System.Text.RegularExpressions;
using Escala.Server.Tests.Support;

namespace Escala.Server.Tests.Hosting;

/// <summary>
/// The Grafana dashboard and the alert rules in <c>deploy/</c> use only metrics a real node exports: every metric
/// name in every panel query and every rule must be present in a real <c>/metrics</c> scrape of <c>escala serve</c>.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed partial class MonitoringFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task GrafanaDashboardAndAlertRules_UseOnlyMetricsTheNodeExports()
    {
        var scraped = await ScrapeMetricNamesAsync();

        var dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "deploy", "grafana", "escala-dashboard.json")));
        var queries = Panels(dashboard.RootElement).SelectMany(p => p.TryGetProperty("targets", out var t) ? t.EnumerateArray() : [])
            .Select(t => t.GetProperty("expr").GetString()!).ToList();
        var dashboardMetrics = queries.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        var alertLines = (await File.ReadAllLinesAsync(Path.Combine(RepositoryPaths.Root, "deploy", "alerts.yml")))
            .Where(l => !l.TrimStart().StartsWith('#'));
        var alertMetrics = alertLines.SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);

        Assert.True(queries.Count >= 20, $"only {queries.Count} queries found in the dashboard");
        Assert.Contains("escala_breaker_status", dashboardMetrics);
        Assert.Contains("escala_store_up", alertMetrics);
        Assert.Empty(dashboardMetrics.Where(m => !scraped.Contains(m)).Order());
        Assert.Empty(alertMetrics.Where(m => !scraped.Contains(m)).Order());
    }

    private async Task<HashSet<string>> ScrapeMetricNamesAsync()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Queues": { "ai": { "Concurrency": 2 } },
              "Resources": { "llm": { "Concurrency": 3, "Breaker": { "Failures": 3 } } }
            }
            """);
        using var server = await ServerProcess.StartAsync(Path.Combine(_dir.Path, "data"), config);

        // One job run and one API request, so the histograms have series.
        using (var submit = await server.Api.PostJsonAsync("/v1/jobs?wait=10s", new { kind = "noop", queue = "ai" }))
        {
            Assert.Equal("completed", EscalaApi.State(await EscalaApi.ReadAsync(submit)));
        }

        var text = await Eventually.UntilAsync(() => server.Http.GetStringAsync("/metrics"),
            t => t.Contains("escala_job_duration_seconds_bucket{", StringComparison.Ordinal)
                && t.Contains("escala_job_lease_latency_seconds_bucket{", StringComparison.Ordinal)
                && t.Contains("http_server_request_duration_seconds_bucket{", StringComparison.Ordinal),
            "the job and HTTP histograms", TimeSpan.FromSeconds(20));
        return text.Split('\n').Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l[..l.IndexOfAny(['{', ' '])]).ToHashSet(StringComparer.Ordinal);
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var panel in root.GetProperty("panels").EnumerateArray())
        {
            yield return panel;
            if (panel.TryGetProperty("panels", out var nested))
            {
                foreach (var inner in nested.EnumerateArray())
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>The metric names a query uses: Escala's, .NET runtime's, process and HTTP server metrics.</summary>
    private static IEnumerable<string> MetricNames(string query) =>
        MetricName().Matches(query).Select(m => m.Value);

    [GeneratedRegex(@"\b(?:escala|dotnet|process|http_server)_[a-z0-9_]+")]
    private static partial Regex MetricName();

    public void Dispose() => _dir.Dispose();
}
