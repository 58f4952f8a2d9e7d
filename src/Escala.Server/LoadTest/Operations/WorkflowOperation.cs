using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Escala.Server.LoadTest.Measuring;

namespace Escala.Server.LoadTest.Operations;

/// <summary>
/// <c>POST /v1/workflows</c> of a fan-out and fan-in, the shape of reference document 1's pipeline: <c>fanOut</c> steps
/// of the operation's job side by side, then one more that waits for all of them; then
/// <c>GET /v1/workflows/{id}/events</c> until <c>done</c>. Ok when the workflow completed; latency runs from the submit
/// to <c>done</c>, so it holds the slowest parallel step plus the join.
/// </summary>
public sealed class WorkflowOperation(JobTemplate job, int fanOut, TimeSpan wait) : IOperation
{
    private readonly string _body = Body(job, fanOut);

    public async Task<Outcome> RunAsync(HttpClient api, CancellationToken ct)
    {
        long id;
        using (var content = new StringContent(_body, System.Text.Encoding.UTF8, "application/json"))
        using (var submitted = await api.PostAsync("/v1/workflows", content, ct))
        {
            var (failure, answer) = await JobTemplate.ReadAsync(submitted, ct);
            if (failure is { } f)
            {
                return f;
            }

            id = answer.GetProperty("id").GetInt64();
        }

        return await EventFollower.FollowAsync(api, $"/v1/workflows/{id.ToString(CultureInfo.InvariantCulture)}/events", wait, Decide, ct);
    }

    /// <summary>Ok when <c>done</c> says completed, a failure on <c>timeout</c>; null to read on.</summary>
    private static Outcome? Decide(string? eventName, string data)
    {
        if (eventName == "timeout")
        {
            return Outcome.Failure("events timeout");
        }

        if (eventName != "done")
        {
            return null;
        }

        using var done = JsonDocument.Parse(data);
        var state = done.RootElement.GetProperty("state").GetString();
        return state == "completed" ? Outcome.Success() : Outcome.Failure($"workflow {state}");
    }

    private static string Body(JobTemplate job, int fanOut)
    {
        var steps = new JsonArray();
        var parallel = Enumerable.Range(1, fanOut).Select(i => $"step{i.ToString(CultureInfo.InvariantCulture)}").ToList();
        foreach (var name in parallel)
        {
            var step = job.Json.DeepClone().AsObject();
            step["name"] = name;
            steps.Add(step);
        }

        var join = job.Json.DeepClone().AsObject();
        join["name"] = "join";
        join["dependsOn"] = new JsonArray([.. parallel.Select(p => JsonValue.Create(p))]);
        steps.Add(join);
        return new JsonObject { ["name"] = "loadtest", ["steps"] = steps }.ToJsonString();
    }
}
