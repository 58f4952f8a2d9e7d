using System.Text.Json;
using System.Text.Json.Nodes;
using Escala.Client;
using Escala.Jobs;
using Escala.Storage;
using Escala.Workflows;

namespace Escala.Server.Api;

/// <summary>
/// <c>/v1/workflows</c>: submit a DAG of steps, read it, cancel it, watch it (<see cref="WorkflowEventsEndpoint"/>);
/// <c>GET /v1/jobs/{id}/parents</c>: what a step waited for, with results; <c>/v1/workers/spawn</c> and
/// <c>/v1/workers/parents</c>: the same for external workers, under their lease token.
/// </summary>
public static class WorkflowsEndpoints
{
    public static RouteGroupBuilder MapWorkflows(this RouteGroupBuilder v1)
    {
        var workflows = v1.MapGroup("/workflows").WithTags("Workflows");
        workflows.MapPost("/", SubmitAsync).WithSummary("Submit a workflow: steps that each name the steps they wait for.");
        workflows.MapGet("/{id:long}", GetAsync).WithSummary("A workflow with every step's state, job id and result.");
        workflows.MapPost("/{id:long}/cancel", CancelAsync).WithSummary("Cancel a workflow: its waiting steps are cancelled, its running ones asked to stop.");
        workflows.MapGet("/{id:long}/events", WorkflowEventsEndpoint.StreamAsync)
            .WithSummary("Server-sent events: every step change of one workflow, then done.");
        v1.MapGet("/jobs/{id:long}/parents", ParentsAsync).WithTags("Workflows")
            .WithSummary("The jobs a workflow step waited for (declared parents and their spawned children), with results, a page at a time.");
        var workers = v1.MapGroup("/workers").WithTags("External workers");
        workers.MapPost("/spawn", SpawnAsync).WithSummary("Fan-out: add children to the running workflow step leased under the token.");
        workers.MapPost("/parents", WorkerParentsAsync).WithSummary("The jobs the leased step waited for, with results, a page at a time.");
        return v1;
    }

    public sealed record WorkflowBody(string? Name, string? OnFailure, IReadOnlyList<JsonElement>? Steps, CallbackRequest? Callback);

    public sealed record SpawnBody(long Id, string? LeaseToken, IReadOnlyList<JobRequest>? Children);

    public sealed record ParentsBody(long Id, string? LeaseToken, long? After, int? Limit);

    private static async Task<IResult> SubmitAsync(HttpContext http, WorkflowClient client, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<WorkflowBody>(http.Request, ct);
        var request = new WorkflowRequest
        {
            Name = body.Name,
            OnFailure = body.OnFailure,
            Steps = body.Steps is null ? null : [.. body.Steps.Select(ReadStep)],
            Callback = body.Callback,
        };
        var workflow = await client.SubmitAsync(http.Tenant(), request, ct);
        return Results.Created($"/v1/workflows/{workflow.Id}", WorkflowDto.From(workflow));
    }

    private static async Task<IResult> GetAsync(HttpContext http, WorkflowClient client, long id, CancellationToken ct) =>
        await client.GetAsync(http.Tenant(), id, ct) is { } workflow
            ? Results.Ok(WorkflowDto.From(workflow))
            : Problems.NotFound($"Workflow {id}");

    /// <summary>200 when nothing of it runs any more, 202 while running steps were asked to stop, 409 when it had already ended.</summary>
    private static async Task<IResult> CancelAsync(HttpContext http, WorkflowClient client, long id, CancellationToken ct)
    {
        var before = await client.GetAsync(http.Tenant(), id, ct);
        if (before is null)
        {
            return Problems.NotFound($"Workflow {id}");
        }

        if (before.State != WorkflowState.Running)
        {
            return Problems.Conflict($"Workflow {id} is already {before.State.ToWire()}; nothing to cancel.");
        }

        var workflow = await client.CancelAsync(http.Tenant(), id, ct) ?? before;
        var dto = WorkflowDto.From(workflow);
        return workflow.State == WorkflowState.Running ? Results.Accepted($"/v1/workflows/{id}", dto) : Results.Ok(dto);
    }

    private static async Task<IResult> ParentsAsync(HttpContext http, WorkflowClient client, long id, long? cursor, int? limit, CancellationToken ct)
    {
        if (limit is < 1 or > WorkflowClient.MaxParentsPage)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "limit", $"limit must be between 1 and {WorkflowClient.MaxParentsPage}.");
        }

        return Results.Ok(WorkflowParentsDto.From(await client.ParentsAsync(http.Tenant(), id, cursor, limit ?? WorkflowClient.MaxParentsPage, ct)));
    }

    private static async Task<IResult> SpawnAsync(HttpContext http, IJobStore store, WorkflowClient client, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<SpawnBody>(http.Request, ct);
        if (await store.GetAsync(http.Tenant(), body.Id, ct) is not { } job)
        {
            return Problems.NotFound($"Job {body.Id}");
        }

        if (job.WorkflowId is null)
        {
            return Problems.Field(StatusCodes.Status409Conflict, "id", $"Job {body.Id} is not a workflow step: only steps can spawn children.");
        }

        var spawned = await client.SpawnAsync(job, body.LeaseToken ?? "", body.Children ?? [], ct);
        return spawned is null
            ? Problems.Conflict($"The lease on job {body.Id} is not held with that token: it expired, was rescued, or the job already finished.")
            : Results.Ok(new { jobs = spawned.Select(j => new { id = j.Id, step = j.Step, state = j.State.ToWire() }) });
    }

    private static async Task<IResult> WorkerParentsAsync(HttpContext http, IJobStore store, WorkflowClient client, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<ParentsBody>(http.Request, ct);
        if (body.Limit is < 1 or > WorkflowClient.MaxParentsPage)
        {
            return Problems.Field(StatusCodes.Status400BadRequest, "limit", $"limit must be between 1 and {WorkflowClient.MaxParentsPage}.");
        }

        if (await store.GetAsync(http.Tenant(), body.Id, ct) is not { } job)
        {
            return Problems.NotFound($"Job {body.Id}");
        }

        if (job.State != JobState.Running || job.LeaseToken != body.LeaseToken)
        {
            return Problems.Conflict($"The lease on job {body.Id} is not held with that token: it expired, was rescued, or the job already finished.");
        }

        var page = await client.ParentsAsync(job.Tenant, job.Id, body.After, body.Limit ?? WorkflowClient.MaxParentsPage, ct);
        return Results.Ok(WorkflowParentsDto.From(page));
    }

    /// <summary>A step is a job request with two more fields, <c>name</c> and <c>dependsOn</c>; refusals name <c>steps[i].field</c>.</summary>
    private static WorkflowStepRequest ReadStep(JsonElement element, int index)
    {
        var prefix = $"steps[{index}]";
        if (JsonNode.Parse(element.GetRawText()) is not JsonObject step)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, prefix, "A step is an object: a job with a name and dependsOn.");
        }

        var name = Take<string>(step, "name", prefix, "A string.");
        var dependsOn = Take<List<string>>(step, "dependsOn", prefix, "An array of step names.");
        try
        {
            var job = step.Deserialize<JobRequest>(JsonOptions.Api)!;
            return new WorkflowStepRequest(name, dependsOn, job);
        }
        catch (JsonException ex)
        {
            var field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? prefix : prefix + "." + ex.Path.TrimStart('$', '.');
            var unknown = ex.Message.Contains("could not be mapped", StringComparison.Ordinal);
            throw new ApiProblemException(StatusCodes.Status400BadRequest, field, unknown ? "Unknown field." : "Wrong type of JSON value for this field.");
        }
    }

    private static T? Take<T>(JsonObject step, string field, string prefix, string expected)
        where T : class
    {
        if (!step.Remove(field, out var value) || value is null)
        {
            return null;
        }

        try
        {
            return value.Deserialize<T>(JsonOptions.Api);
        }
        catch (JsonException)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, $"{prefix}.{field}", expected);
        }
    }
}
