namespace Escala.Configuration;

/// <summary>How a node runs jobs (<c>execution</c>).</summary>
public sealed class ExecutionOptions : IValidatableOptions
{
    private TimeSpan? _heartbeatInterval;

    /// <summary>How long a lease lasts without a heartbeat.</summary>
    /// <value>Defaults to <see cref="ExecutionDefaults.LeaseDuration"/> (30s).</value>
    [Positive]
    public TimeSpan LeaseDuration { get; set; } = ExecutionDefaults.LeaseDuration;

    /// <summary>How often running leases are extended; shorter than <see cref="LeaseDuration"/>.</summary>
    /// <value>Defaults to a third of <see cref="LeaseDuration"/>.</value>
    [Positive]
    public TimeSpan HeartbeatInterval
    {
        get => _heartbeatInterval ?? LeaseDuration / ExecutionDefaults.HeartbeatsPerLease;
        set => _heartbeatInterval = value;
    }

    /// <summary>How often an idle producer looks for work even without a wake-up.</summary>
    /// <value>Defaults to <see cref="ExecutionDefaults.PollInterval"/> (1s).</value>
    [Positive]
    public TimeSpan PollInterval { get; set; } = ExecutionDefaults.PollInterval;

    /// <summary>On shutdown, how long in-flight jobs may run on before they are handed back.</summary>
    /// <value>Defaults to <see cref="ExecutionDefaults.ShutdownGrace"/> (10s).</value>
    public TimeSpan ShutdownGrace { get; set; } = ExecutionDefaults.ShutdownGrace;

    /// <summary>
    /// On shutdown, how long the node keeps serving HTTP with <c>/health/ready</c> answering 503 before it stops,
    /// so a load balancer takes it out of rotation first (set it to the balancer's check interval × fall count).
    /// </summary>
    /// <value>Defaults to <see cref="ExecutionDefaults.DrainDelay"/> (0s).</value>
    public TimeSpan DrainDelay { get; set; } = ExecutionDefaults.DrainDelay;

    /// <inheritdoc />
    public IEnumerable<string> Validate(string path)
    {
        if (LeaseDuration > TimeSpan.Zero && HeartbeatInterval >= LeaseDuration)
        {
            yield return $"{path}:heartbeatInterval: must be shorter than leaseDuration ({Durations.Format(LeaseDuration)}).";
        }
    }
}
