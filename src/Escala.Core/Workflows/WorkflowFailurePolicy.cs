namespace Escala.Workflows;

/// <summary>What a step that ends dead or cancelled does to the rest of its workflow (<c>onFailure</c>).</summary>
public enum WorkflowFailurePolicy
{
    /// <summary><c>failWorkflow</c> (the default): every other waiting step is cancelled and every running one asked to stop.</summary>
    FailWorkflow = 0,

    /// <summary><c>continue</c>: the steps below the failed one are cancelled (skipped); independent branches go on.</summary>
    Continue = 1,
}

public static class WorkflowFailurePolicies
{
    public const string FailWorkflowWire = "failWorkflow";
    public const string ContinueWire = "continue";

    public static string ToWire(this WorkflowFailurePolicy policy) =>
        policy == WorkflowFailurePolicy.Continue ? ContinueWire : FailWorkflowWire;

    public static bool TryParse(string? text, out WorkflowFailurePolicy policy)
    {
        policy = text switch
        {
            null or FailWorkflowWire => WorkflowFailurePolicy.FailWorkflow,
            ContinueWire => WorkflowFailurePolicy.Continue,
            _ => (WorkflowFailurePolicy)(-1),
        };
        return Enum.IsDefined(policy);
    }
}
