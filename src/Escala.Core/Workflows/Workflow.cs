using Escala.Jobs;

namespace Escala.Workflows;

/// <summary>A workflow as the store keeps it, with its declared steps (spawned children are counted, not listed).</summary>
public sealed record Workflow
{
    public required long Id { get; init; }
    public required string Tenant { get; init; }
    public string? Name { get; init; }
    public required WorkflowState State { get; init; }
    public WorkflowFailurePolicy OnFailure { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Jobs of the workflow (steps and spawned children) not final yet.</summary>
    public int Unfinished { get; init; }

    /// <summary>Steps or children that ended dead or cancelled on their own (not skipped because of another).</summary>
    public int Failed { get; init; }

    public IReadOnlyList<WorkflowStep> Steps { get; init; } = [];
}

/// <summary>One declared step: its job, the steps it waits for, and how many children it spawned.</summary>
public sealed record WorkflowStep(string Name, Job Job, IReadOnlyList<string> DependsOn, int Spawned);

/// <summary>A job another one waited for: a declared parent step or a child that a parent spawned.</summary>
public sealed record WorkflowParent(string Step, long JobId, JobState State, string? Result);

/// <param name="NextCursor">Pass as the next call's <c>after</c>; null on the last page.</param>
public sealed record WorkflowParentPage(IReadOnlyList<WorkflowParent> Parents, long? NextCursor)
{
    /// <summary>A page from up to <paramref name="limit"/> + 1 rows read: the extra row, when there is one, only says another page follows.</summary>
    public static WorkflowParentPage Of(List<WorkflowParent> read, int limit)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.Count <= limit)
        {
            return new WorkflowParentPage(read, null);
        }

        read.RemoveRange(limit, read.Count - limit);
        return new WorkflowParentPage(read, read[^1].JobId);
    }
}
