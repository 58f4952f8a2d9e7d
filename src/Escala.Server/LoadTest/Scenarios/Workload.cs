namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// How load arrives. Closed model: <see cref="Users"/> virtual users, each running one operation, thinking, and
/// going again (throughput follows latency). Open model: operations start at <see cref="Rate"/> per second whatever
/// the latency, and each one's latency counts from its intended start (no coordinated omission).
/// </summary>
public sealed record Workload
{
    /// <summary>Virtual users (closed model); null in the open model.</summary>
    public int? Users { get; init; }

    /// <summary>Operations per second in document time (open model), before <see cref="Scenario.TimeScale"/>; null in the closed model.</summary>
    public double? Rate { get; init; }

    /// <summary>Wall-clock time over which users start, or the rate climbs linearly from zero. Defaults to none.</summary>
    public TimeSpan RampUp { get; init; }

    /// <summary>Wall-clock time during which operations start; the ones in flight then are awaited up to <see cref="Drain"/>.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Longest wait for operations still in flight at the end; those left then count as errors. Defaults to 60 s.</summary>
    public TimeSpan Drain { get; init; } = ScenarioDefaults.Drain;

    /// <summary>Think time between a user's operations, document time. Defaults to none.</summary>
    public Span Think { get; init; } = Span.Zero;

    /// <summary>
    /// Most operations in flight in the open model; an arrival beyond it is dropped and counted (the system, or the load
    /// generator, cannot keep up: the run fails its "arrivals sent" check). Defaults to 2,000.
    /// </summary>
    public int MaxInFlight { get; init; } = ScenarioDefaults.MaxInFlight;

    public bool IsOpen => Rate is not null;
}
