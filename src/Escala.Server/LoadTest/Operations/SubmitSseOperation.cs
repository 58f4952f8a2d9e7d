using System.Globalization;
using System.Text.Json;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary>
/// <c>POST /v1/jobs</c>, then <c>GET /v1/jobs/{id}/events</c> until the <c>done</c> event: what a portal that streams
/// progress to its user does. Ok when the job completed; latency runs from the submit to <c>done</c>.
/// </summary>
public sealed class SubmitSseOperation(JobTemplate job, TimeSpan wait, RecentJobs recent) : IOperation
{
    private readonly string _maxDuration = $"{Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";

    public async Task<Outcome> RunAsync(HttpClient api, CancellationToken ct)
    {
        long id;
        using (var content = job.Content())
        using (var submitted = await api.PostAsync("/v1/jobs", content, ct))
        {
            var (failure, answer) = await JobTemplate.ReadAsync(submitted, ct);
            if (failure is { } f)
            {
                return f;
            }

            id = answer.GetProperty("id").GetInt64();
            recent.Add(id);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/jobs/{id.ToString(CultureInfo.InvariantCulture)}/events?maxDuration={_maxDuration}");
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            return Outcome.Failure($"events HTTP {(int)response.StatusCode}");
        }

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? eventName = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal) && eventName is "done" or "timeout" or "state")
            {
                if (eventName == "state")
                {
                    // A node without the "done for a job already final" fix ends such a stream after one state event.
                    using var state = JsonDocument.Parse(line[5..]);
                    if (state.RootElement.GetProperty("state").GetString() is "completed" or "cancelled" or "dead")
                    {
                        return JobTemplate.FinalOutcome(state.RootElement);
                    }

                    continue;
                }

                if (eventName == "timeout")
                {
                    return Outcome.Failure("events timeout");
                }

                using var done = JsonDocument.Parse(line[5..]);
                return JobTemplate.FinalOutcome(done.RootElement);
            }
        }

        return Outcome.Failure("events ended before done");
    }
}
