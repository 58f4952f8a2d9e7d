using Escala.Scheduling;

namespace Escala.Storage;

/// <summary>
/// Recurring schedules (<see cref="Schedule"/>), per tenant and name. The leader enqueues each tick's job with an
/// idempotency key naming the schedule and the tick (<see cref="ScheduleKeys.For"/>), so the store's unique
/// (tenant, idempotency key) makes a tick enqueue at most one job even when two nodes tick at once; then it moves
/// <see cref="Schedule.NextRunAt"/> on with <see cref="AdvanceScheduleAsync"/>, a compare-and-set. Implemented by
/// every driver and covered by the conformance suite.
/// </summary>
public interface IScheduleStore
{
    /// <summary>Inserts a schedule; false (nothing written) when the tenant has one with that name.</summary>
    Task<bool> InsertScheduleAsync(Schedule schedule, CancellationToken ct);

    /// <summary>Replaces the definition, source, pause and next run of an existing schedule (its last run stays); false when there is none.</summary>
    Task<bool> ReplaceScheduleAsync(Schedule schedule, CancellationToken ct);

    /// <summary>Deletes a schedule; false when there is none.</summary>
    Task<bool> DeleteScheduleAsync(string tenant, string name, CancellationToken ct);

    Task<Schedule?> GetScheduleAsync(string tenant, string name, CancellationToken ct);

    /// <summary>Schedules of one tenant, or of all tenants when <paramref name="tenant"/> is null, by tenant and name.</summary>
    Task<IReadOnlyList<Schedule>> ListSchedulesAsync(string? tenant, CancellationToken ct);

    /// <summary>Schedules not paused whose next run is at or before <paramref name="now"/>, oldest first.</summary>
    Task<IReadOnlyList<Schedule>> DueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>
    /// Moves a schedule's next run from <paramref name="expectedNextRunAt"/> to <paramref name="nextRunAt"/> and records its
    /// last run, only if its next run is still <paramref name="expectedNextRunAt"/> (another node did not move it first).
    /// </summary>
    Task<bool> AdvanceScheduleAsync(string tenant, string name, DateTimeOffset expectedNextRunAt, DateTimeOffset? nextRunAt,
        DateTimeOffset? lastRunAt, long? lastJobId, DateTimeOffset now, CancellationToken ct);
}
