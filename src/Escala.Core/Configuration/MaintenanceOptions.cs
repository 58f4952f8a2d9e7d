namespace Escala.Configuration;

/// <summary>The leader's housekeeping (<c>maintenance</c>).</summary>
public sealed class MaintenanceOptions
{
    /// <summary>How often due scheduled and retryable jobs are made available.</summary>
    /// <value>Defaults to <see cref="MaintenanceDefaults.PromoteInterval"/> (1s).</value>
    [Positive]
    public TimeSpan PromoteInterval { get; set; } = MaintenanceDefaults.PromoteInterval;

    /// <summary>How often expired leases are rescued.</summary>
    /// <value>Defaults to <see cref="MaintenanceDefaults.RescueInterval"/> (5s).</value>
    [Positive]
    public TimeSpan RescueInterval { get; set; } = MaintenanceDefaults.RescueInterval;

    /// <summary>How often finished jobs past retention are pruned.</summary>
    /// <value>Defaults to <see cref="MaintenanceDefaults.PruneInterval"/> (1m).</value>
    [Positive]
    public TimeSpan PruneInterval { get; set; } = MaintenanceDefaults.PruneInterval;

    /// <summary>How long the leadership lasts without renewal.</summary>
    /// <value>Defaults to <see cref="MaintenanceDefaults.LeaderTtl"/> (15s).</value>
    [Positive]
    public TimeSpan LeaderTtl { get; set; } = MaintenanceDefaults.LeaderTtl;

    /// <summary>How long a node stays in the registry without a heartbeat.</summary>
    /// <value>Defaults to <see cref="MaintenanceDefaults.NodeTtl"/> (30s).</value>
    [Positive]
    public TimeSpan NodeTtl { get; set; } = MaintenanceDefaults.NodeTtl;
}
