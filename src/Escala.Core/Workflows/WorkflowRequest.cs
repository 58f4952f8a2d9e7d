using Escala.Client;

namespace Escala.Workflows;

/// <summary>A workflow as a user submits it (API body, CLI). <see cref="WorkflowRequestValidator"/> checks it.</summary>
public sealed record WorkflowRequest
{
    /// <summary>A label shown with the workflow; optional.</summary>
    public string? Name { get; init; }

    /// <summary><c>failWorkflow</c> (the default) or <c>continue</c>.</summary>
    public string? OnFailure { get; init; }

    public IReadOnlyList<WorkflowStepRequest>? Steps { get; init; }

    /// <summary>Where to POST the workflow's outcome once it is final (signed as a job's callback); optional.</summary>
    public CallbackRequest? Callback { get; init; }
}

/// <summary>One step: a name unique in the workflow, the names of the steps it waits for, and its job.</summary>
public sealed record WorkflowStepRequest(string? Name, IReadOnlyList<string>? DependsOn, JobRequest Job);
