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
    private readonly string _maxDuration = $"{Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";

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

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/workflows/{id.ToString(CultureInfo.InvariantCulture)}/events?maxDuration={_maxDuration}");
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
            else if (line.StartsWith("data:", StringComparison.Ordinal) && eventName is "done" or "timeout")
            {
                if (eventName == "timeout")
                {
                    return Outcome.Failure("events timeout");
                }

                using var done = JsonDocument.Parse(line[5..]);
                var state = done.RootElement.GetProperty("state").GetString();
                return state == "completed" ? Outcome.Success() : Outcome.Failure($"workflow {state}");
            }
        }

        return Outcome.Failure("events ended before done");
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
