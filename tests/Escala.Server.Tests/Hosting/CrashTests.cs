using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Escala.Server.Tests.Support;
using Xunit.Abstractions;

namespace Escala.Server.Tests.Hosting;

/// <summary>The core promise: a job acknowledged with 2xx survives kill -9 of the node, and runs to completion after a restart.</summary>
[Collection(ProcessCollection.Name)]
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task KillDuringSubmits_RestartOnTheSameStore_EveryAcknowledgedJobCompletes()
    {
        var config = _dir.File("escala.json");
        await File.WriteAllTextAsync(config, """
            {
              "Logging": { "LogLevel": { "Default": "Warning" } },
              "Queues": { "crash": { "Concurrency": 16 } },
              "Execution": { "LeaseDuration": "2s", "ShutdownGrace": "500ms" },
              "Maintenance": { "RescueInterval": "500ms", "PromoteInterval": "100ms" }
            }
            """);
        var data = Path.Combine(_dir.Path, "data");
        var acknowledged = new ConcurrentDictionary<long, string>();

        using (var first = await ServerProcess.StartAsync(data, config))
        {
            using var stop = new CancellationTokenSource();
            var next = 0;
            var producers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var key = "crash-" + Interlocked.Increment(ref next);
                    try
                    {
                        using var response = await first.Http.PostAsJsonAsync("/v1/jobs",
                            new { kind = "sleep", queue = "crash", args = new { ms = 50 }, idempotencyKey = key }, EscalaApi.Json, stop.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            var job = await EscalaApi.ReadAsync(response);
                            acknowledged[EscalaApi.Id(job)] = key;
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // The node died under this request: it was never acknowledged.
                    }
                }
            })).ToArray();

            var watch = Stopwatch.StartNew();
            while ((watch.Elapsed < TimeSpan.FromSeconds(1.5) || acknowledged.Count < 300) && watch.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20);
            }

            first.Child.KillHard();
            await stop.CancelAsync();
            await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(30));
            output.WriteLine($"killed after {watch.Elapsed.TotalSeconds:F1} s with {acknowledged.Count} jobs acknowledged; exit code {first.Child.Process.ExitCode}");
        }

        Assert.True(acknowledged.Count >= 100, $"only {acknowledged.Count} jobs were acknowledged before the kill");

        var restart = Stopwatch.StartNew();
        using var second = await ServerProcess.StartAsync(data, config);
        output.WriteLine($"restarted in {restart.Elapsed.TotalSeconds:F1} s");
        await Eventually.UntilAsync(() => UnfinishedAsync(second.Api), left => left == 0, "every crash job to finish", TimeSpan.FromSeconds(60));
        output.WriteLine($"every job finished {restart.Elapsed.TotalSeconds:F1} s after the restart");

        var jobs = await ListAllAsync(second.Api, "queue=crash");
        var missing = acknowledged.Keys.Where(id => !jobs.ContainsKey(id)).ToList();
        var notCompleted = acknowledged.Keys.Where(id => jobs.TryGetValue(id, out var j) && j.State != "completed").ToList();
        var reExecuted = acknowledged.Keys.Count(id => jobs.TryGetValue(id, out var j) && j.Attempt > 1);
        output.WriteLine($"acknowledged: {acknowledged.Count}; in store: {jobs.Count}; re-executed (attempt > 1): {reExecuted}; missing: {missing.Count}; not completed: {notCompleted.Count}");
        Assert.True(missing.Count == 0, $"acknowledged jobs lost: {string.Join(", ", missing.Take(20))}");
        Assert.True(notCompleted.Count == 0, $"acknowledged jobs not completed: {string.Join(", ", notCompleted.Take(20).Select(id => $"{id}={jobs[id].State}"))}");
    }

    public void Dispose() => _dir.Dispose();

    private static async Task<int> UnfinishedAsync(EscalaApi api)
    {
        var queues = await api.GetAsync("/v1/queues");
        var crash = queues.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("name").GetString() == "crash");
        var counts = crash.GetProperty("counts");
        return new[] { "scheduled", "available", "running", "retryable" }.Sum(s => counts.GetProperty(s).GetInt32());
    }

    private static async Task<Dictionary<long, (string State, int Attempt)>> ListAllAsync(EscalaApi api, string query)
    {
        var jobs = new Dictionary<long, (string, int)>();
        string? cursor = null;
        for (var page = 0; page < 1000; page++)
        {
            var body = await api.GetAsync($"/v1/jobs?{query}&limit=500" + (cursor is null ? "" : "&cursor=" + cursor));
            foreach (var job in body.GetProperty("jobs").EnumerateArray())
            {
                jobs[EscalaApi.Id(job)] = (EscalaApi.State(job), job.GetProperty("attempt").GetInt32());
            }

            var next = body.GetProperty("nextCursor");
            if (next.ValueKind == JsonValueKind.Null)
            {
                return jobs;
            }

            cursor = next.GetRawText();
        }

        throw new InvalidOperationException("More than 1000 pages.");
    }
}
