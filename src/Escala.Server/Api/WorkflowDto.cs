using System.Text.Json.Serialization;
using Escala.Client;
using Escala.Jobs;
using Escala.Workflows;

namespace Escala.Server.Api;

/// <summary>A workflow as the API shows it: its state and every declared step (spawned children are counted per step).</summary>
public sealed record WorkflowDto(
    long Id, string? Name, string State, string OnFailure, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt,
    int Unfinished, int Failed, IReadOnlyList<WorkflowStepDto> Steps)
{
    public static WorkflowDto From(Workflow workflow) => new(
        workflow.Id, workflow.Name, workflow.State.ToWire(), workflow.OnFailure.ToWire(), workflow.CreatedAt, workflow.FinishedAt,
        workflow.Unfinished, workflow.Failed, [.. workflow.Steps.Select(WorkflowStepDto.From)]);
}

/// <summary>One step: its job's id, kind, state and result, the steps it waits for, and how many children it spawned.</summary>
public sealed record WorkflowStepDto(
    string Name, IReadOnlyList<string> DependsOn, long JobId, string Kind, string Queue, string State, int Attempt,
    bool CancelRequested, [property: JsonConverter(typeof(RawJsonConverter))] string? Result, DateTimeOffset? FinishedAt, int Spawned)
{
    public static WorkflowStepDto From(WorkflowStep step) => new(
        step.Name, step.DependsOn, step.Job.Id, step.Job.Kind, step.Job.Queue, step.Job.State.ToWire(), step.Job.Attempt,
        step.Job.CancelRequested, step.Job.Result, step.Job.FinishedAt, step.Spawned);
}

/// <summary>A page of the jobs a step waited for, with their results.</summary>
public sealed record WorkflowParentsDto(IReadOnlyList<WorkflowParentDto> Parents, long? NextCursor)
{
    public static WorkflowParentsDto From(WorkflowParentPage page) =>
        new([.. page.Parents.Select(p => new WorkflowParentDto(p.Step, p.JobId, p.State.ToWire(), p.Result))], page.NextCursor);
}

public sealed record WorkflowParentDto(string Step, long JobId, string State, [property: JsonConverter(typeof(RawJsonConverter))] string? Result);
