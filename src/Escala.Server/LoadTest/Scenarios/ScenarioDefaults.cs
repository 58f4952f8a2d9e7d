namespace Escala.Server.LoadTest.Scenarios;

/// <summary>What a scenario gets for a field it leaves out.</summary>
public static class ScenarioDefaults
{
    /// <summary><c>workload.drain</c>: longest wait for operations in flight at the end.</summary>
    public static readonly TimeSpan Drain = TimeSpan.FromSeconds(60);

    /// <summary><c>workload.maxInFlight</c>: most operations in flight in the open model.</summary>
    public const int MaxInFlight = 2_000;

    /// <summary><c>operations[].wait</c>: how long submit-wait and submit-sse wait for the result.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary><c>operations[].batchSize</c>.</summary>
    public const int BatchSize = 10;

    /// <summary><c>operations[].fanOut</c>: steps side by side in a <c>workflow</c> operation.</summary>
    public const int FanOut = 3;

    /// <summary><c>dependencies.*.retryAfter</c>.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary><c>dependencies.*.stream: true</c>: chunks of a streamed answer.</summary>
    public const int StreamChunks = 20;

    /// <summary><c>sla.errorRate</c>: 0.1 %.</summary>
    public const double ErrorRate = 0.001;
}
