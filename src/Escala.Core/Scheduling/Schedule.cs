namespace Escala.Scheduling;

/// <summary>A schedule as the store keeps it: its definition (<see cref="ScheduleSpec"/> as JSON) and its progress.</summary>
public sealed record Schedule
{
    public required string Tenant { get; init; }
    public required string Name { get; init; }

    /// <summary>The <see cref="ScheduleSpec"/> as JSON text.</summary>
    public required string Definition { get; init; }

    /// <summary><see cref="ScheduleDefaults.ConfigSource"/> or <see cref="ScheduleDefaults.ApiSource"/>.</summary>
    public required string Source { get; init; }

    public bool Paused { get; init; }

    /// <summary>The next tick not yet enqueued; null while paused.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>The latest tick enqueued, and its job.</summary>
    public DateTimeOffset? LastRunAt { get; init; }

    public long? LastJobId { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}
