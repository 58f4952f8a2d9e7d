using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Escala.Server.LoadTest.Measuring;
using Escala.Server.LoadTest.Scenarios;

namespace Escala.Server.LoadTest.Operations;

/// <summary>
/// Simulated external workers speaking the worker protocol: lease one job (long-poll up to 1 s), call the fake
/// dependency, then <c>complete</c>, or <c>fail</c> (retryable; <c>throttled</c> with the 429's <c>Retry-After</c>).
/// Each job handled is recorded as operation <c>worker:NAME</c> (dependency call plus report). While a job runs, its
/// lease is extended every <c>heartbeatInterval</c> of the lease answer.
/// </summary>
public sealed class WorkerPool(WorkerPoolSpec spec, string dependencyUrl, OperationRecorder recorder, Func<int> second, TimeSpan rampUp)
{
    /// <summary>Runs until <paramref name="stop"/>; a job already leased is finished (its calls bounded by the clients' timeouts).</summary>
    public Task RunAsync(HttpClient api, HttpClient dependencies, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, spec.Count).Select(i => Task.Run(() => WorkerAsync(api, dependencies, $"loadtest-{spec.Name}-{i}", stop), CancellationToken.None)));

    private async Task WorkerAsync(HttpClient api, HttpClient dependencies, string worker, CancellationToken stop)
    {
        var lease = new JsonObject
        {
            ["queues"] = new JsonArray(spec.Queue),
            ["max"] = 1,
            ["wait"] = "1s",
            ["worker"] = worker,
        };
        if (spec.Kinds.Count > 0)
        {
            lease["kinds"] = new JsonArray([.. spec.Kinds.Select(k => JsonValue.Create(k))]);
        }

        while (!stop.IsCancellationRequested)
        {
            JsonElement answer;
            try
            {
                using var response = await api.PostAsJsonAsync("/v1/workers/lease", lease, CancellationToken.None);
                if (!response.IsSuccessStatusCode)
                {
                    recorder.Record(second(), TimeSpan.Zero, Outcome.Failure($"lease HTTP {(int)response.StatusCode}"), true);
                    await Task.Delay(TimeSpan.FromMilliseconds(200), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                    continue;
                }

                answer = await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None);
            }
            catch (HttpRequestException ex)
            {
                recorder.Record(second(), TimeSpan.Zero, Outcome.Failure($"lease {ex.HttpRequestError}"), true);
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop).ContinueWith(_ => { }, TaskScheduler.Default);
                continue;
            }

            var heartbeat = answer.TryGetProperty("heartbeatInterval", out var hb) && Durations.TryParse(hb.GetString(), out var every) && every > TimeSpan.Zero
                ? every
                : (TimeSpan?)null;
            foreach (var job in answer.GetProperty("jobs").EnumerateArray())
            {
                var started = Stopwatch.GetTimestamp();
                var outcome = await HandleWithHeartbeatsAsync(api, dependencies, job, heartbeat);
                recorder.Record(second(), Stopwatch.GetElapsedTime(started), outcome, second() >= rampUp.TotalSeconds);
            }
        }
    }

    /// <summary>Handles the job while heartbeating its lease (when the lease answer gave an interval).</summary>
    private async Task<Outcome> HandleWithHeartbeatsAsync(HttpClient api, HttpClient dependencies, JsonElement job, TimeSpan? heartbeat)
    {
        using var working = new CancellationTokenSource();
        var beating = heartbeat is { } interval ? HeartbeatAsync(api, job, interval, working.Token) : Task.CompletedTask;
        var outcome = await HandleAsync(api, dependencies, job);
        await working.CancelAsync();
        await beating;
        return outcome;
    }

    /// <summary>Extends the job's lease every <paramref name="interval"/> (the lease answer's heartbeatInterval) until the job is handled.</summary>
    private static async Task HeartbeatAsync(HttpClient api, JsonElement job, TimeSpan interval, CancellationToken handled)
    {
        var lease = new JsonObject
        {
            ["leases"] = new JsonArray(new JsonObject { ["id"] = job.GetProperty("id").GetInt64(), ["leaseToken"] = job.GetProperty("leaseToken").GetString() }),
        };
        try
        {
            while (true)
            {
                await Task.Delay(interval, handled);
                try
                {
                    using var response = await api.PostAsJsonAsync("/v1/workers/heartbeat", lease, handled);
                }
                catch (HttpRequestException)
                {
                    // One beat lost (a pooled connection closed under it): the next may still land within the lease, as
                    // a real worker's would. If none does, the complete call gets 409 and counts as an error.
                }
            }
        }
        catch (OperationCanceledException) when (handled.IsCancellationRequested)
        {
        }
    }

    private async Task<Outcome> HandleAsync(HttpClient api, HttpClient dependencies, JsonElement job)
    {
        var id = job.GetProperty("id").GetInt64();
        var token = job.GetProperty("leaseToken").GetString();
        JsonObject report;
        string path;
        string? failure = null;
        try
        {
            using var content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var call = await dependencies.PostAsync(dependencyUrl, content);
            var status = (int)call.StatusCode;
            if (call.IsSuccessStatusCode)
            {
                (path, report) = ("/v1/workers/complete", new JsonObject { ["id"] = id, ["leaseToken"] = token, ["result"] = new JsonObject { ["ok"] = true } });
            }
            else
            {
                failure = $"dependency {status}";
                var retryAfter = call.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
                (path, report) = ("/v1/workers/fail", new JsonObject
                {
                    ["id"] = id,
                    ["leaseToken"] = token,
                    ["error"] = $"dependency answered {status}",
                    ["retryable"] = true,
                    ["retryAfter"] = status == 429 ? $"{Math.Max(1, (int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture)}s" : null,
                    ["throttled"] = status == 429,
                });
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            failure = "dependency unreachable";
            (path, report) = ("/v1/workers/fail", new JsonObject { ["id"] = id, ["leaseToken"] = token, ["error"] = "dependency unreachable", ["retryable"] = true });
        }

        try
        {
            using var reported = await api.PostAsJsonAsync(path, report);
            return !reported.IsSuccessStatusCode ? Outcome.Failure($"{path[12..]} HTTP {(int)reported.StatusCode}")
                : failure is null ? Outcome.Success() : Outcome.Failure(failure);
        }
        catch (HttpRequestException ex)
        {
            return Outcome.Failure($"{path[12..]} {ex.HttpRequestError}");
        }
    }
}
