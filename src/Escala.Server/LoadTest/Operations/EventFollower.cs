using System.Globalization;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary>Follows a server-sent event stream of the API (a job's or a workflow's) until an event decides the outcome.</summary>
public static class EventFollower
{
    /// <summary>The error reason of a stream the node refused (<c>events HTTP 429</c> when its stream cap is reached).</summary>
    public static string Refused(int status) => $"events HTTP {status}";

    /// <summary>
    /// Opens <paramref name="path"/> for at most <paramref name="wait"/> (its <c>maxDuration</c>) and hands each event's
    /// name and data to <paramref name="decide"/> until it returns an outcome; a stream the node refuses, or one that ends
    /// first, is a failure.
    /// </summary>
    public static async Task<Outcome> FollowAsync(HttpClient api, string path, TimeSpan wait, Func<string?, string, Outcome?> decide, CancellationToken ct)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{path}?maxDuration={seconds}s");
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            return Outcome.Failure(Refused((int)response.StatusCode));
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? eventName = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal) && decide(eventName, line[5..]) is { } outcome)
            {
                return outcome;
            }
        }

        return Outcome.Failure("events ended before done");
    }
}
