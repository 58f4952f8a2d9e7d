using System.Text.Json.Nodes;

namespace Escala.Server.LoadTest.Scenarios;

/// <summary>One operation of the mix and the job it submits.</summary>
public sealed record OperationSpec
{
    /// <summary>Unique name; reports and SLAs refer to it.</summary>
    public required string Name { get; init; }

    public required OperationType Type { get; init; }

    /// <summary>Share of the shared users' (or the open model's) operations. Defaults to 1.</summary>
    public double Weight { get; init; } = 1;

    /// <summary>Closed model: users who run only this operation (the document's "15 users generate"); they are not in the weighted mix.</summary>
    public int? Users { get; init; }

    /// <summary>Think time of this operation's users, instead of the workload's.</summary>
    public Span? Think { get; init; }

    /// <summary>Job kind. Defaults to <c>http</c> with a <see cref="Dependency"/>, else <c>noop</c>.</summary>
    public required string Kind { get; init; }

    public string? Queue { get; init; }

    /// <summary>A fake dependency the job calls (through the <c>http</c> kind) or an external worker calls for it.</summary>
    public string? Dependency { get; init; }

    /// <summary>Resources the job needs. Defaults to its dependency's resource.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>Extra job arguments (merged with the ones the dependency adds).</summary>
    public JsonObject? Args { get; init; }

    /// <summary>Jobs per call of a <see cref="OperationType.Batch"/>. Defaults to 10.</summary>
    public int BatchSize { get; init; } = ScenarioDefaults.BatchSize;

    /// <summary>Steps of a <see cref="OperationType.Workflow"/> that run side by side before the one that joins them. Defaults to 3.</summary>
    public int FanOut { get; init; } = ScenarioDefaults.FanOut;

    /// <summary>How long <see cref="OperationType.SubmitWait"/>, <see cref="OperationType.SubmitSse"/> and <see cref="OperationType.Workflow"/> wait for the result. Defaults to 60 s.</summary>
    public TimeSpan Wait { get; init; } = ScenarioDefaults.Wait;
}
