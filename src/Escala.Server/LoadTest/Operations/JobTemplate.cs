using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Escala.Server.LoadTest.Measuring;
using Escala.Server.LoadTest.Scenarios;

namespace Escala.Server.LoadTest.Operations;

/// <summary>The job an operation submits, and reading what the API answered about it.</summary>
public sealed class JobTemplate
{
    private readonly string _body;

    public JobTemplate(OperationSpec spec, Func<string, string> dependencyUrl)
    {
        var args = spec.Args?.DeepClone().AsObject() ?? [];
        if (spec.Dependency is { } dependency)
        {
            if (spec.Kind == "http")
            {
                args["url"] ??= dependencyUrl(dependency);
            }
            else
            {
                args["dependency"] ??= dependency;
            }
        }

        var job = new JsonObject { ["kind"] = spec.Kind };
        if (args.Count > 0)
        {
            job["args"] = args;
        }

        if (spec.Queue is not null)
        {
            job["queue"] = spec.Queue;
        }

        if (spec.Resources.Count > 0)
        {
            job["resources"] = new JsonArray([.. spec.Resources.Select(r => JsonValue.Create(r))]);
        }

        Json = job;
        _body = job.ToJsonString();
    }

    public JsonObject Json { get; }

    public HttpContent Content() => new StringContent(_body, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Reads a job answer: ok when it completed; the queue wait from <c>runAt</c> to <c>attemptedAt</c>.</summary>
    public static Outcome FinalOutcome(JsonElement job)
    {
        var state = job.TryGetProperty("state", out var s) ? s.GetString() : null;
        if (state != "completed")
        {
            return Outcome.Failure(state is null ? "no state in answer" : $"job {state}");
        }

        TimeSpan? wait = job.TryGetProperty("runAt", out var runAt) && job.TryGetProperty("attemptedAt", out var attemptedAt)
            && attemptedAt.ValueKind == JsonValueKind.String
            ? attemptedAt.GetDateTimeOffset() - runAt.GetDateTimeOffset()
            : null;
        return Outcome.Success(wait is { } w && w < TimeSpan.Zero ? TimeSpan.Zero : wait);
    }

    public static async Task<(Outcome? Failure, JsonElement Job)> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (!response.IsSuccessStatusCode)
        {
            return (Outcome.Failure($"HTTP {(int)response.StatusCode}"), default);
        }

        return (null, await response.Content.ReadFromJsonAsync<JsonElement>(ct));
    }
}
