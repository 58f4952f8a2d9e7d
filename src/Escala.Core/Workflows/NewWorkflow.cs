using Escala.Jobs;

namespace Escala.Workflows;

/// <summary>A validated workflow ready to insert: its steps in an order where every parent comes before its children.</summary>
public sealed record NewWorkflow
{
    public required string Tenant { get; init; }
    public string? Name { get; init; }
    public WorkflowFailurePolicy OnFailure { get; init; }
    public required IReadOnlyList<NewWorkflowStep> Steps { get; init; }

    /// <summary>The callback URL: the store writes the outcome to the callback outbox in the transaction that ends the workflow.</summary>
    public string? CallbackUrl { get; init; }
}

/// <summary>One step: its name, its job, and the indexes (in <see cref="NewWorkflow.Steps"/>) of the steps it waits for.</summary>
public sealed record NewWorkflowStep(string Name, NewJob Job, IReadOnlyList<int> Parents);
