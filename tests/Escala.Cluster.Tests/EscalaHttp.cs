using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Escala.Cluster.Tests;

/// <summary>The few HTTP calls the cluster tests make to nodes (and to load balancers in front of them).</summary>
public static class EscalaHttp
{
    /// <summary>One client for all tests; generous timeout, because the machine is shared.</summary>
    public static HttpClient Client { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>A <c>sleep</c> job body with an idempotency key.</summary>
    public static object SleepJob(string key, int ms) => new { kind = "sleep", args = new { ms }, idempotencyKey = key };

    /// <summary>
    /// <c>POST /v1/jobs/batch</c>; returns the acknowledged job ids (in order), or null when the batch
    /// was not acknowledged (a 5xx or a connection error): the caller retries it, safely, thanks to the keys.
    /// </summary>
    public static async Task<long[]?> TrySubmitBatchAsync(Uri node, IReadOnlyList<object> jobs)
    {
        try
        {
            using var response = await Client.PostAsJsonAsync(new Uri(node, "/v1/jobs/batch"), new { jobs });
            if (!response.IsSuccessStatusCode)
            {
                if ((int)response.StatusCode < 500)
                {
                    throw new InvalidOperationException($"Batch refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }

                return null;
            }

            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("jobs").EnumerateArray()
                .Select(j => j.GetProperty("job").GetProperty("id").GetInt64())
                .ToArray();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary><c>POST /v1/jobs</c> with one job; returns the status code, the body and the Retry-After header.</summary>
    public static async Task<(HttpStatusCode Status, string Body, string? ContentType, string? RetryAfter)> SubmitAsync(Uri node, object job)
    {
        using var response = await Client.PostAsJsonAsync(new Uri(node, "/v1/jobs"), job);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType,
            response.Headers.RetryAfter?.ToString());
    }

    /// <summary>Submits one job and returns its id; throws unless the answer is 2xx.</summary>
    public static async Task<long> SubmitOkAsync(Uri node, object job)
    {
        var (status, body, _, _) = await SubmitAsync(node, job);
        if ((int)status is < 200 or > 299)
        {
            throw new InvalidOperationException($"Submit failed: {(int)status} {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("id").GetInt64();
    }

    /// <summary>The live nodes as <c>GET /v1/nodes</c> lists them.</summary>
    public static async Task<IReadOnlyList<NodeEntry>> NodesAsync(Uri node)
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync(new Uri(node, "/v1/nodes")));
        return document.RootElement.GetProperty("nodes").EnumerateArray()
            .Select(n => new NodeEntry(n.GetProperty("id").GetString()!, n.GetProperty("role").GetString()!, n.GetProperty("leader").GetBoolean()))
            .ToList();
    }

    /// <summary>Polls <paramref name="condition"/> every 100 ms until it holds or <paramref name="timeout"/> passes.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? every = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(every ?? TimeSpan.FromMilliseconds(100));
        }
    }
}

/// <summary>One row of <c>GET /v1/nodes</c>.</summary>
public sealed record NodeEntry(string Id, string Role, bool Leader);
