using Escala.Governance;

namespace Escala.Configuration;

/// <summary>
/// The options after validation: durations parsed, defaults applied. Built once at start-up by
/// <see cref="SettingsBuilder"/>; a bad value stops start-up with an error naming its key.
/// </summary>
public sealed class EscalaSettings
{
    public required string NodeId { get; init; }
    public required string Role { get; init; }
    public required IReadOnlyDictionary<string, QueueSettings> Queues { get; init; }
    public required IReadOnlyDictionary<string, ResourceSettings> Resources { get; init; }
    public required IReadOnlyDictionary<string, string[]> KindResources { get; init; }
    public required TimeSpan LeaseDuration { get; init; }
    public required TimeSpan HeartbeatInterval { get; init; }
    public required TimeSpan PollInterval { get; init; }
    public required TimeSpan ShutdownGrace { get; init; }
    public required TimeSpan DrainDelay { get; init; }
    public required TimeSpan PromoteInterval { get; init; }
    public required TimeSpan RescueInterval { get; init; }
    public required TimeSpan PruneInterval { get; init; }
    public required TimeSpan LeaderTtl { get; init; }
    public required TimeSpan NodeTtl { get; init; }
    public required int MaxArgsBytes { get; init; }
    public required int MaxBatch { get; init; }
    public required TimeSpan MaxWait { get; init; }

    /// <summary>LLMs by name (<c>models</c>).</summary>
    public IReadOnlyDictionary<string, ModelSettings> Models { get; init; } = new Dictionary<string, ModelSettings>(StringComparer.Ordinal);

    /// <summary>The result cache (<c>cache</c>).</summary>
    public CacheSettings Cache { get; init; } = CacheSettings.Default;

    public bool RunsWorkers => NodeRoles.RunsWorkers(Role);

    public QueueSettings? FindQueue(string name) => Queues.GetValueOrDefault(name);
}

/// <summary>A queue's settings with every duration parsed.</summary>
public sealed record QueueSettings
{
    public required string Name { get; init; }
    public required int Concurrency { get; init; }
    public required int FetchBatch { get; init; }
    public required int MaxAttempts { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required TimeSpan HardTimeoutGrace { get; init; }
    public required TimeSpan Backoff { get; init; }
    public required TimeSpan MaxBackoff { get; init; }
    public required TimeSpan Retention { get; init; }
    public int? TenantConcurrency { get; init; }
    public bool External { get; init; }
}

/// <summary>A resource's settings with its rate and breaker parsed.</summary>
public sealed record ResourceSettings
{
    public required string Name { get; init; }
    public int? Concurrency { get; init; }
    public RateLimit? Rate { get; init; }

    /// <summary>The token budget (<see cref="ResourceOptions.Tokens"/>): permits are tokens.</summary>
    public RateLimit? Tokens { get; init; }
    public BreakerSettings? Breaker { get; init; }
}

public sealed record BreakerSettings
{
    public required int Failures { get; init; }
    public double? FailureRatio { get; init; }
    public required int MinThroughput { get; init; }
    public required TimeSpan Window { get; init; }
    public required TimeSpan OpenFor { get; init; }
    public required int Probes { get; init; }
}
