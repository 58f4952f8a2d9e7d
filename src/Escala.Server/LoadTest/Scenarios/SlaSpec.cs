namespace Escala.Server.LoadTest.Scenarios;

/// <summary>
/// What must hold for the run to pass (exit code 0). Latencies and throughputs are wall-clock, as measured.
/// Every dependency's most calls in flight must also stay within its limit (always checked).
/// </summary>
public sealed record SlaSpec
{
    /// <summary>Per operation, by name.</summary>
    public IReadOnlyDictionary<string, OperationSla> Operations { get; init; } = new Dictionary<string, OperationSla>();

    /// <summary>Most failed operations over all operations, as a fraction. Defaults to 0.001 (0.1 %).</summary>
    public double ErrorRate { get; init; } = ScenarioDefaults.ErrorRate;

    /// <summary>Least operations per second over all operations, after the ramp-up. Defaults to none.</summary>
    public double? Throughput { get; init; }

    /// <summary>Most jobs waiting (available) in a queue at any sample, by queue name.</summary>
    public IReadOnlyDictionary<string, long> QueueDepth { get; init; } = new Dictionary<string, long>();
}
