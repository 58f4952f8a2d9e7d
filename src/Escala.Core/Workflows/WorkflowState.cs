namespace Escala.Workflows;

/// <summary>Where a workflow is. It leaves <see cref="Running"/> once every one of its jobs is final.</summary>
public enum WorkflowState
{
    /// <summary>Some step or spawned child is not final yet.</summary>
    Running = 0,

    /// <summary>Every step completed.</summary>
    Completed = 1,

    /// <summary>Every job is final and at least one step ended dead or cancelled.</summary>
    Failed = 2,

    /// <summary>A user cancelled the workflow.</summary>
    Cancelled = 3,
}

public static class WorkflowStates
{
    /// <summary>The lower-case wire name used in the API.</summary>
    public static string ToWire(this WorkflowState state) => state switch
    {
        WorkflowState.Running => "running",
        WorkflowState.Completed => "completed",
        WorkflowState.Failed => "failed",
        WorkflowState.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };
}
