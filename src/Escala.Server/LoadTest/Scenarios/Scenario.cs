namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// A load-test scenario, as read from a YAML or JSON file by <see cref="ScenarioLoader"/>: who sends what
/// (<see cref="Workload"/>, <see cref="Operations"/>), what the work depends on (<see cref="Dependencies"/>,
/// served by the load tester's own fakes), who runs external jobs (<see cref="Workers"/>), how the node it starts
/// is configured (<see cref="Server"/>) and what must hold (<see cref="Sla"/>).
/// </summary>
/// <remarks>
/// Time: <see cref="Workload.Duration"/>, <see cref="Workload.RampUp"/> and every SLA threshold are wall-clock,
/// as measured. <see cref="TimeScale"/> multiplies the document's own times (dependency latencies, think times,
/// Retry-After) and divides the open model's arrival rate, so a document whose calls take minutes keeps its
/// concurrency (Little's law) while running in seconds.
/// </remarks>
public sealed record Scenario
{
    public required string Name { get; init; }

    /// <summary>What the scenario stands for (the reference document, its claim).</summary>
    public string? Description { get; init; }

    /// <summary>Multiplies dependency latencies and think times, divides arrival rates. Defaults to 1.</summary>
    public double TimeScale { get; init; } = 1;

    public required Workload Workload { get; init; }

    public required IReadOnlyList<OperationSpec> Operations { get; init; }

    /// <summary>Fake dependencies by name; a job reaches one through the <c>http</c> kind, a worker pool calls it directly.</summary>
    public IReadOnlyDictionary<string, DependencySpec> Dependencies { get; init; } = new Dictionary<string, DependencySpec>();

    /// <summary>Simulated external workers leasing over <c>/v1/workers/*</c>.</summary>
    public IReadOnlyList<WorkerPoolSpec> Workers { get; init; } = [];

    /// <summary>
    /// Configuration of the node the load tester starts, flattened to keys (<c>Queues:llm:Concurrency</c>) from the
    /// scenario's <c>server:</c> section, which has the shape of <c>escala.json</c>. Ignored with <c>--target</c>:
    /// the target must already be configured so.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Server { get; init; } = new Dictionary<string, string?>();

    public SlaSpec Sla { get; init; } = new();
}
