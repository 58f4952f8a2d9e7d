using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HdrHistogram;

namespace Escala.Server.Bench;

/// <summary>
/// <c>escala bench --url</c>: drives a running node over HTTP (batch submits), waits for the queue's
/// completed count to grow by the number submitted, and computes start latency from the jobs'
/// own timestamps (created → attempted, millisecond precision) over a sample of up to 10,000 jobs.
/// </summary>
internal static class RemoteBench
{
    private const int SampleLimit = 10_000;

    public static async Task<BenchResult> RunAsync(BenchOptions options, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(options.Url!), Timeout = TimeSpan.FromMinutes(2) };
        var queue = options.Queue;
        var before = await CompletedAsync(http, queue, ct);
        var batch = Math.Max(options.Batch, 1);
        var clock = Stopwatch.StartNew();
        var next = -1;
        var producers = Enumerable.Range(0, options.Producers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var jobs = new JsonArray();
                while (jobs.Count < batch && Interlocked.Increment(ref next) < options.Jobs)
                {
                    jobs.Add(new JsonObject { ["kind"] = "noop", ["queue"] = queue });
                }

                if (jobs.Count == 0)
                {
                    return;
                }

                using var response = await http.PostAsJsonAsync("/v1/jobs/batch", new JsonObject { ["jobs"] = jobs }, ct);
                response.EnsureSuccessStatusCode();
            }
        }, ct)).ToArray();
        await Task.WhenAll(producers);
        var submitSeconds = clock.Elapsed.TotalSeconds;
        var deadline = TimeSpan.FromMinutes(30);
        while (await CompletedAsync(http, queue, ct) < before + options.Jobs && clock.Elapsed < deadline)
        {
            await Task.Delay(50, ct);
        }

        var totalSeconds = clock.Elapsed.TotalSeconds;
        var latency = await SampleLatencyAsync(http, queue, ct);
        return new BenchResult
        {
            Store = $"remote {options.Url}",
            Mode = "throughput",
            Jobs = options.Jobs,
            Producers = options.Producers,
            Concurrency = 0,
            SubmitSeconds = submitSeconds,
            SubmitPerSecond = options.Jobs / submitSeconds,
            TotalSeconds = totalSeconds,
            EndToEndPerSecond = options.Jobs / totalSeconds,
            LeaseP50Ms = latency.GetValueAtPercentile(50) / 1000.0,
            LeaseP95Ms = latency.GetValueAtPercentile(95) / 1000.0,
            LeaseP99Ms = latency.GetValueAtPercentile(99) / 1000.0,
            LeaseMaxMs = latency.GetMaxValue() / 1000.0,
            IdleRssMb = 0,
            PeakRssMb = 0,
        };
    }

    private static async Task<long> CompletedAsync(HttpClient http, string queue, CancellationToken ct)
    {
        var root = await http.GetFromJsonAsync<JsonObject>("/v1/queues", ct);
        var match = root?["queues"]?.AsArray().FirstOrDefault(q => (string?)q?["name"] == queue)
            ?? throw new InvalidOperationException($"The node has no queue '{queue}'.");
        return (long)match["counts"]!["completed"]!;
    }

    private static async Task<LongHistogram> SampleLatencyAsync(HttpClient http, string queue, CancellationToken ct)
    {
        var histogram = new LongHistogram(1, TimeStamp.Hours(1), 3);
        string? cursor = null;
        var seen = 0;
        while (seen < SampleLimit)
        {
            var page = await http.GetFromJsonAsync<JsonObject>($"/v1/jobs?queue={Uri.EscapeDataString(queue)}&state=completed&limit=500{(cursor is null ? "" : "&cursor=" + cursor)}", ct);
            foreach (var job in page!["jobs"]!.AsArray())
            {
                var created = DateTimeOffset.Parse((string)job!["runAt"]!, System.Globalization.CultureInfo.InvariantCulture);
                var attempted = DateTimeOffset.Parse((string)job["attemptedAt"]!, System.Globalization.CultureInfo.InvariantCulture);
                histogram.RecordValue(Math.Max(1, (long)((attempted - created).TotalMilliseconds * 1000)));
                seen++;
            }

            cursor = page["nextCursor"]?.ToString();
            if (cursor is null)
            {
                break;
            }
        }

        return histogram;
    }
}
