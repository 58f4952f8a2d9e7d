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

        return await EventFollower.FollowAsync(api, $"/v1/jobs/{id.ToString(CultureInfo.InvariantCulture)}/events", wait, Decide, ct);
    }

    /// <summary>The job's outcome from <c>done</c> (or a final <c>state</c>), a failure on <c>timeout</c>; null to read on.</summary>
    private static Outcome? Decide(string? eventName, string data)
    {
        switch (eventName)
        {
            case "timeout":
                return Outcome.Failure("events timeout");
            case "done":
            {
                using var done = JsonDocument.Parse(data);
                return JobTemplate.FinalOutcome(done.RootElement);
            }

            case "state":
            {
                // A node without the "done for a job already final" fix ends such a stream after one state event.
                using var state = JsonDocument.Parse(data);
                return state.RootElement.GetProperty("state").GetString() is "completed" or "cancelled" or "dead"
                    ? JobTemplate.FinalOutcome(state.RootElement)
                    : null;
            }

            default:
                return null;
        }
    }
}
