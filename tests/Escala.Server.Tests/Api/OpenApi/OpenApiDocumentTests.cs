using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Escala.Server.Tests.Support;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Escala.Server.Tests.Api.OpenApi;

/// <summary>
/// The served OpenAPI document is complete (every /v1 operation has its request body and its responses, with
/// problem details) and true: real responses of a real node, success and refusal, conform to its schemas.
/// </summary>
public sealed partial class OpenApiDocumentTests : IAsyncLifetime
{
    private TestNode _node = null!;
    private JsonNode _document = null!;
    private SchemaValidator _validator = null!;
    private readonly List<string> _mismatches = [];
    private readonly HashSet<string> _checked = [];

    public async Task InitializeAsync()
    {
        // Resources with every kind of limit, and one with a breaker only, so /v1/resources fills each field.
        _node = await TestNode.StartAsync(new Dictionary<string, string?>
        {
            ["Resources:llm:Rate"] = "100/s",
            ["Resources:llm:Tokens"] = "40000/min",
            ["Resources:mail:Breaker:Failures"] = "3",
        });
        _document = JsonNode.Parse(await _node.Http.GetStringAsync("/openapi/v1.json"))!;
        _validator = new SchemaValidator(_document);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    [Fact]
    public async Task Document_ParsesWithoutErrors_AndEveryV1OperationHasBodyAndResponses()
    {
        using var stream = await _node.Http.GetStreamAsync("/openapi/v1.json");
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        buffer.Position = 0;
        var read = OpenApiDocument.Load(buffer, "json");

        Assert.Empty(read.Diagnostic!.Errors);
        var operations = _document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/v1/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Operation: o.Value!))).ToList();
        Assert.True(operations.Count >= 25, $"only {operations.Count} /v1 operations");
        foreach (var (path, method, operation) in operations)
        {
            var responses = operation["responses"]!.AsObject();
            Assert.True(responses.Any(r => r.Key.StartsWith('2') && (r.Value!["content"] is not null || r.Key == "204")), $"{method} {path}: no described success");
            Assert.True(responses.Any(r => r.Key.StartsWith('4') && r.Value!["content"]?["application/problem+json"] is not null), $"{method} {path}: no problem details");
            if (method == "post" && !path.EndsWith("/cancel", StringComparison.Ordinal) && !path.EndsWith("/retry", StringComparison.Ordinal)
                && !path.EndsWith("/pause", StringComparison.Ordinal) && !path.EndsWith("/resume", StringComparison.Ordinal) || path == "/v1/workers/cancel")
            {
                Assert.True(operation["requestBody"]?["content"]?["application/json"]?["schema"] is not null, $"{method} {path}: no request body schema");
            }
        }

        var submit = _document["components"]!["schemas"]!["JobRequest"]!;
        Assert.NotNull(submit["example"]);  // what /docs "Try it out" sends
    }

    [Fact]
    public async Task RealResponses_ConformToTheDocument()
    {
        var created = await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", idempotencyKey = "k-1" }, HttpStatusCode.Created);
        var id = created!["id"]!.GetValue<long>();
        await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", idempotencyKey = "k-1" }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/jobs", "/v1/jobs?wait=10s", new { kind = "noop" }, HttpStatusCode.Created);
        await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", delay = "soon" }, HttpStatusCode.BadRequest);
        await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", queue = "nope" }, HttpStatusCode.UnprocessableEntity);
        await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", idempotencyKey = "k-1", priority = 3 }, HttpStatusCode.Conflict);
        await CallAsync("post", "/v1/jobs/batch", "/v1/jobs/batch", new { jobs = new object[] { new { kind = "noop" }, new { kind = "sleep", args = new { ms = 1 } } } }, HttpStatusCode.OK);
        await CallAsync("get", "/v1/jobs/{id}", $"/v1/jobs/{id}?wait=10s", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/jobs/{id}", "/v1/jobs/999999", null, HttpStatusCode.NotFound);
        await CallAsync("get", "/v1/jobs", "/v1/jobs?limit=2", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/jobs", "/v1/jobs?state=nope", null, HttpStatusCode.BadRequest);

        var waiting = await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "ext.thing", queue = "ext" }, HttpStatusCode.Created);
        var waitingId = waiting!["id"]!.GetValue<long>();
        await CallAsync("post", "/v1/jobs/{id}/cancel", $"/v1/jobs/{waitingId}/cancel", new { }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/jobs/{id}/cancel", $"/v1/jobs/{waitingId}/cancel", new { }, HttpStatusCode.Conflict);
        await CallAsync("post", "/v1/jobs/{id}/retry", $"/v1/jobs/{waitingId}/retry", new { }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/jobs/{id}/retry", "/v1/jobs/999999/retry", new { }, HttpStatusCode.NotFound);

        await CallAsync("get", "/v1/queues", "/v1/queues", null, HttpStatusCode.OK);
        await CallAsync("post", "/v1/queues/{name}/pause", "/v1/queues/fast/pause", new { }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/queues/{name}/resume", "/v1/queues/fast/resume", new { }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/queues/{name}/pause", "/v1/queues/nope/pause", new { }, HttpStatusCode.NotFound);
        await CallAsync("get", "/v1/resources", "/v1/resources", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/nodes", "/v1/nodes", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/stats", "/v1/stats", null, HttpStatusCode.OK);

        // The worker protocol, on the external queue.
        var lease = await CallAsync("post", "/v1/workers/lease", "/v1/workers/lease", new { queues = new[] { "ext" }, max = 1, wait = "5s", worker = "t" }, HttpStatusCode.OK);
        var leased = lease!["jobs"]![0]!;
        var held = new { id = leased["id"]!.GetValue<long>(), leaseToken = leased["leaseToken"]!.GetValue<string>() };
        await CallAsync("post", "/v1/workers/lease", "/v1/workers/lease", new { queues = Array.Empty<string>() }, HttpStatusCode.BadRequest);
        await CallAsync("post", "/v1/workers/heartbeat", "/v1/workers/heartbeat", new { leases = new[] { held } }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/workers/progress", "/v1/workers/progress", new { held.id, held.leaseToken, progress = new { percent = 5 } }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/workers/progress", "/v1/workers/progress", new { held.id, leaseToken = "stale", progress = 1 }, HttpStatusCode.Conflict);
        await CallAsync("post", "/v1/workers/release", "/v1/workers/release", held, HttpStatusCode.OK);
        foreach (var (path, extra) in new (string, object)[]
                 {
                     ("/v1/workers/fail", new { error = "boom", retryable = false }),
                     ("/v1/workers/cancel", new { reason = "asked" }),
                     ("/v1/workers/complete", new { result = new { ok = true } }),
                 })
        {
            var again = await CallAsync("post", "/v1/workers/lease", "/v1/workers/lease", new { queues = new[] { "ext" }, wait = "5s" }, HttpStatusCode.OK);
            var job = again!["jobs"]!.AsArray();
            if (job.Count == 0)
            {
                await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "ext.thing", queue = "ext" }, HttpStatusCode.Created);
                job = (await CallAsync("post", "/v1/workers/lease", "/v1/workers/lease", new { queues = new[] { "ext" }, wait = "5s" }, HttpStatusCode.OK))!["jobs"]!.AsArray();
            }

            var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra))!.AsObject();
            body["id"] = job[0]!["id"]!.GetValue<long>();
            body["leaseToken"] = job[0]!["leaseToken"]!.GetValue<string>();
            await CallAsync("post", path, path, body, HttpStatusCode.OK);
        }

        await CallAsync("delete", "/v1/jobs/{id}", $"/v1/jobs/{id}", null, HttpStatusCode.NoContent);
        await CheckWorkflowsAsync();

        var schedule = new { name = "nightly", cron = "0 3 * * *", timeZone = "America/Sao_Paulo", job = new { kind = "noop", args = new { days = 30 } } };
        await CallAsync("post", "/v1/schedules", "/v1/schedules", schedule, HttpStatusCode.Created);
        await CallAsync("post", "/v1/schedules", "/v1/schedules", schedule, HttpStatusCode.Conflict);
        await CallAsync("post", "/v1/schedules", "/v1/schedules", new { name = "bad", cron = "61 * * * *", job = new { kind = "noop" } }, HttpStatusCode.BadRequest);
        await CallAsync("get", "/v1/schedules", "/v1/schedules?next=2", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/schedules/{name}", "/v1/schedules/nightly", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/schedules/{name}", "/v1/schedules/nope", null, HttpStatusCode.NotFound);
        await CallAsync("put", "/v1/schedules/{name}", "/v1/schedules/nightly", new { every = "1h", misfire = "runOnce", job = new { kind = "noop" } }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/schedules/{name}/pause", "/v1/schedules/nightly/pause", new { }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/schedules/{name}/resume", "/v1/schedules/nightly/resume", new { }, HttpStatusCode.OK);
        await CallAsync("delete", "/v1/schedules/{name}", "/v1/schedules/nightly", null, HttpStatusCode.NoContent);
        await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", delay = "1h", unique = new { key = "u-1", @for = "10m" } }, HttpStatusCode.Created);
        await CallAsync("post", "/v1/jobs", "/v1/jobs", new { kind = "noop", unique = new { key = "u-1" } }, HttpStatusCode.Conflict);

        // Keys last: the first key turns authentication on for this node.
        var key = await CallAsync("post", "/v1/keys", "/v1/keys", new { name = "ops", scopes = new[] { "admin", "read", "submit" } }, HttpStatusCode.Created);
        await CallAsync("get", "/v1/queues", "/v1/queues", null, HttpStatusCode.Unauthorized);
        _node.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key!["key"]!.GetValue<string>());
        await CallAsync("get", "/v1/keys", "/v1/keys", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/audit", "/v1/audit", null, HttpStatusCode.OK);
        await CallAsync("delete", "/v1/keys/{id}", $"/v1/keys/{key["id"]!.GetValue<string>()}", null, HttpStatusCode.OK);

        Assert.True(_mismatches.Count == 0, string.Join("\n", _mismatches));
        Assert.True(_checked.Count >= 24, $"only {_checked.Count} operations checked");
    }

    /// <summary>Sends a request, asserts its status, and checks its body against the document's schema for that status.</summary>
    private async Task<JsonNode?> CallAsync(string method, string template, string url, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
        if (body is not null || method != "get")
        {
            var json = body is JsonNode node ? node.ToJsonString() : System.Text.Json.JsonSerializer.Serialize(body ?? new { }, System.Text.Json.JsonSerializerOptions.Web);
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await _node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method.ToUpperInvariant()} {url}: {(int)response.StatusCode}, expected {(int)expected}: {text}");
        var described = _document["paths"]?[template]?[method]?["responses"]?[((int)response.StatusCode).ToString()];
        Assert.True(described is not null, $"{method} {template}: status {(int)response.StatusCode} is not in the document");
        _checked.Add($"{method} {template}");
        if (text.Length == 0)
        {
            Assert.Null(described!["content"]);
            return null;
        }

        var mediaType = response.Content.Headers.ContentType!.MediaType!;
        var schema = described!["content"]?[mediaType]?["schema"];
        Assert.True(schema is not null, $"{method} {template} {(int)response.StatusCode}: {mediaType} is not described");
        var value = JsonNode.Parse(text);
        _mismatches.AddRange(_validator.Validate(value, schema!).Select(e => $"{method} {template} {(int)response.StatusCode}: {e}"));
        return value;
    }
}
