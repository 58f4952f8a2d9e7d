using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.FakeDependency;
using Escala.Server.Hosting;

namespace Escala.Server.LoadTest;

/// <summary>
/// Reference doc 3 (PGE-MS portal, 50 users) as a scenario: the fake dependency and one Escala node in-process,
/// resources llm=10, tjms=5, ocr=3, training=1, and simulated users who each submit a job over HTTP, wait for
/// its result (<c>?wait=</c>), think, and go again. The SLAs: no dependency ever sees more than its limit,
/// every job completes (error rate at most the maximum), and resource-free jobs never stall (noop p99).
/// </summary>
public static class PgeScenario
{
    private static readonly TimeSpan ResultWait = TimeSpan.FromSeconds(60);

    public static async Task<PgeReport> RunAsync(PgeOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var fake = FakeDependencyApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        await fake.StartAsync(ct);
        var store = options.Store ?? Directory.CreateTempSubdirectory("escala-loadtest-").FullName;
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["NodeId"] = "loadtest",
            ["Queues:default:Concurrency"] = "64",
            ["Security:Egress:Allow:0"] = "127.0.0.1", // the fake dependency listens on loopback
        };
        foreach (var d in PgeDependency.All.Where(d => d.Resource is not null))
        {
            overrides[$"Resources:{d.Resource}:Concurrency"] = d.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var node = await EscalaHost.BuildAsync(new ServeOptions { Store = store, Urls = "http://127.0.0.1:0", Overrides = overrides });
        await node.StartAsync(ct);
        try
        {
            var fakeUrl = fake.Urls.Single().TrimEnd('/');
            using var fakeClient = new HttpClient { BaseAddress = new Uri(fakeUrl) };
            foreach (var d in PgeDependency.All.Where(d => d.Resource is not null))
            {
                using var put = await fakeClient.PutAsJsonAsync($"/_config/{d.Resource}", new { latency = d.Latency, jitter = d.Jitter, cap = d.Limit }, ct);
                put.EnsureSuccessStatusCode();
            }

            using var api = new HttpClient { BaseAddress = new Uri(node.Urls.First()), Timeout = ResultWait + TimeSpan.FromSeconds(30) };
            var samples = new ConcurrentBag<(string Kind, double Ms, bool Ok)>();
            var end = Stopwatch.GetTimestamp() + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
            var users = Enumerable.Range(0, options.Users).Select(u => Task.Run(() => UserAsync(api, fakeUrl, u, end, samples, ct), ct));
            await Task.WhenAll(users);

            var figures = new List<DependencyFigures>();
            foreach (var d in PgeDependency.All.Where(d => d.Resource is not null))
            {
                var stats = await fakeClient.GetFromJsonAsync<JsonElement>($"/_stats/{d.Resource}", ct);
                figures.Add(new DependencyFigures(d.Resource!, d.Limit, stats.GetProperty("maxConcurrency").GetInt64(),
                    stats.GetProperty("violations").GetInt64(), stats.GetProperty("total").GetInt64()));
            }

            return Report(options, store, [.. samples], figures);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await node.StopAsync(stop.Token);
            await node.DisposeAsync();
            await fake.StopAsync(CancellationToken.None);
            await fake.DisposeAsync();
        }
    }

    /// <summary>
    /// One user: pick an action by weight, submit it, wait for the result, think 100–500 ms, repeat until the end.
    /// A user's first action is the one its number points at, so every dependency is exercised in any run with
    /// at least as many users as actions.
    /// </summary>
    private static async Task UserAsync(HttpClient api, string fakeUrl, int user, long end, ConcurrentBag<(string, double, bool)> samples, CancellationToken ct)
    {
        var random = new Random(user);
        var totalWeight = PgeDependency.All.Sum(d => d.Weight);
        var first = true;
        while (Stopwatch.GetTimestamp() < end && !ct.IsCancellationRequested)
        {
            var roll = random.Next(totalWeight);
            var action = first ? PgeDependency.All[user % PgeDependency.All.Count] : PgeDependency.All.First(d => (roll -= d.Weight) < 0);
            first = false;
            object body = action.Resource is null
                ? new { kind = "noop" }
                : new { kind = "http", args = new { url = $"{fakeUrl}/{action.Resource}" }, resources = new[] { action.Resource } };
            var started = Stopwatch.GetTimestamp();
            var ok = false;
            try
            {
                using var response = await api.PostAsJsonAsync($"/v1/jobs?wait={(int)ResultWait.TotalSeconds}s", body, ct);
                if (response.IsSuccessStatusCode)
                {
                    var job = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
                    ok = job.GetProperty("state").GetString() == "completed";
                }
            }
            catch (HttpRequestException)
            {
            }

            samples.Add((action.Kind, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ok));
            await Task.Delay(random.Next(100, 500), ct);
        }
    }

    private static PgeReport Report(PgeOptions options, string store, List<(string Kind, double Ms, bool Ok)> samples, List<DependencyFigures> figures)
    {
        var latencies = samples.Where(s => s.Ok).GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var sorted = g.Select(s => s.Ms).Order().ToArray();
            return new KindLatency(g.Key, sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95), Percentile(sorted, 0.99));
        }).ToList();
        var noop = latencies.FirstOrDefault(l => l.Kind == "noop");
        var errors = samples.Count(s => !s.Ok);
        var failures = new List<string>();
        foreach (var f in figures.Where(f => f.MaxConcurrency > f.Limit || f.Violations > 0))
        {
            failures.Add($"{f.Resource}: {f.MaxConcurrency} at once (limit {f.Limit}), {f.Violations} violations");
        }

        if (samples.Count == 0 || (double)errors / samples.Count > options.MaxErrorRate)
        {
            failures.Add($"error rate {(samples.Count == 0 ? 1 : (double)errors / samples.Count):P2} > {options.MaxErrorRate:P2}");
        }

        if (noop is null || noop.P99Ms > options.NoopP99.TotalMilliseconds)
        {
            failures.Add($"noop p99 {noop?.P99Ms ?? double.NaN:F0} ms > {options.NoopP99.TotalMilliseconds:F0} ms");
        }

        return new PgeReport
        {
            Users = options.Users,
            DurationSeconds = options.Duration.TotalSeconds,
            Store = options.Store is null ? "sqlite (temporary)" : StoreFactory.Describe(options.Store, null),
            Submitted = samples.Count,
            Completed = samples.Count(s => s.Ok),
            Errors = errors,
            Dependencies = figures,
            Latencies = latencies,
            NoopP99Ms = noop?.P99Ms ?? double.NaN,
            Failures = failures,
        };
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
