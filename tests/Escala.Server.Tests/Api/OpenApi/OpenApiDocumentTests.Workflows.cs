using System.Net;

namespace Escala.Server.Tests.Api.OpenApi;

// Workflows: real responses of /v1/workflows, parents and the workers' spawn and parents, success and refusal.
public sealed partial class OpenApiDocumentTests
{
    private async Task CheckWorkflowsAsync()
    {
        var steps = new object[]
        {
            new { name = "split", kind = "ext.split", queue = "ext" },
            new { name = "join", kind = "ext.join", queue = "ext", dependsOn = new[] { "split" } },
        };
        var created = await CallAsync("post", "/v1/workflows", "/v1/workflows", new { name = "doc", steps }, HttpStatusCode.Created);
        var id = created!["id"]!.GetValue<long>();
        await CallAsync("post", "/v1/workflows", "/v1/workflows", new { steps = Array.Empty<object>() }, HttpStatusCode.BadRequest);
        await CallAsync("get", "/v1/workflows/{id}", $"/v1/workflows/{id}", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/workflows/{id}", "/v1/workflows/999999", null, HttpStatusCode.NotFound);

        var leased = (await CallAsync("post", "/v1/workers/lease", "/v1/workers/lease",
            new { queues = new[] { "ext" }, kinds = new[] { "ext.split" }, wait = "5s" }, HttpStatusCode.OK))!["jobs"]![0]!;
        var held = new { id = leased["id"]!.GetValue<long>(), leaseToken = leased["leaseToken"]!.GetValue<string>() };
        var children = new[] { new { kind = "ext.child", queue = "ext" } };
        await CallAsync("post", "/v1/workers/spawn", "/v1/workers/spawn", new { held.id, held.leaseToken, children }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/workers/spawn", "/v1/workers/spawn", new { held.id, leaseToken = "stale", children }, HttpStatusCode.Conflict);
        await CallAsync("post", "/v1/workers/parents", "/v1/workers/parents", new { held.id, held.leaseToken }, HttpStatusCode.OK);
        await CallAsync("post", "/v1/workers/parents", "/v1/workers/parents", new { held.id, held.leaseToken, limit = 0 }, HttpStatusCode.BadRequest);
        var join = created["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "join")!;
        await CallAsync("get", "/v1/jobs/{id}/parents", $"/v1/jobs/{join["jobId"]!.GetValue<long>()}/parents", null, HttpStatusCode.OK);
        await CallAsync("get", "/v1/jobs/{id}/parents", $"/v1/jobs/{join["jobId"]!.GetValue<long>()}/parents?limit=0", null, HttpStatusCode.BadRequest);

        await CallAsync("post", "/v1/workflows/{id}/cancel", $"/v1/workflows/{id}/cancel", new { }, HttpStatusCode.Accepted);
        await CallAsync("post", "/v1/workers/cancel", "/v1/workers/cancel", new { held.id, held.leaseToken, reason = "asked" }, HttpStatusCode.OK);
        var ended = await CallAsync("get", "/v1/workflows/{id}", $"/v1/workflows/{id}", null, HttpStatusCode.OK);
        Assert.Equal("cancelled", ended!["state"]!.GetValue<string>());
        await CallAsync("post", "/v1/workflows/{id}/cancel", $"/v1/workflows/{id}/cancel", new { }, HttpStatusCode.Conflict);
    }
}
