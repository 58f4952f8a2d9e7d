using Escala.Scheduling;
using Escala.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Escala.Postgres;

// Recurring schedules.
public sealed partial class PostgresJobStore : IScheduleStore
{
    private const string ScheduleColumns =
        "tenant, name, definition, source, paused, next_run_at, last_run_at, last_job_id, created_at, updated_at";

    /// <inheritdoc />
    public Task<bool> InsertScheduleAsync(Schedule schedule, CancellationToken ct) => Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var cmd = _dataSource.CreateCommand(
            $"""
            INSERT INTO {Schema}.schedules ({ScheduleColumns})
            VALUES (@tenant, @name, @definition, @source, @paused, @next, @last, @lastJob, @created, @updated)
            ON CONFLICT (tenant, name) DO NOTHING
            """);
        SetSchedule(cmd, schedule);
        cmd.Parameters.AddWithValue("last", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(schedule.LastRunAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("lastJob", NpgsqlDbType.Bigint, (object?)schedule.LastJobId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("created", NpgsqlDbType.TimestampTz, Instants.ToDb(schedule.CreatedAt));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    });

    /// <inheritdoc />
    public Task<bool> ReplaceScheduleAsync(Schedule schedule, CancellationToken ct) => Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(schedule);
        await using var cmd = _dataSource.CreateCommand(
            $"""
            UPDATE {Schema}.schedules SET definition = @definition, source = @source, paused = @paused, next_run_at = @next, updated_at = @updated
            WHERE tenant = @tenant AND name = @name
            """);
        SetSchedule(cmd, schedule);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    });

    /// <inheritdoc />
    public Task<bool> DeleteScheduleAsync(string tenant, string name, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"DELETE FROM {Schema}.schedules WHERE tenant = @tenant AND name = @name");
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("name", name);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    });

    /// <inheritdoc />
    public async Task<Schedule?> GetScheduleAsync(string tenant, string name, CancellationToken ct) =>
        First(await ReadSchedulesAsync("WHERE tenant = @tenant AND name = @name", c =>
        {
            c.Parameters.AddWithValue("tenant", tenant);
            c.Parameters.AddWithValue("name", name);
        }, ct));

    /// <inheritdoc />
    public Task<IReadOnlyList<Schedule>> ListSchedulesAsync(string? tenant, CancellationToken ct) =>
        tenant is null
            ? ReadSchedulesAsync("ORDER BY tenant, name", _ => { }, ct)
            : ReadSchedulesAsync("WHERE tenant = @tenant ORDER BY name", c => c.Parameters.AddWithValue("tenant", tenant), ct);

    /// <inheritdoc />
    public Task<IReadOnlyList<Schedule>> DueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        ReadSchedulesAsync("WHERE NOT paused AND next_run_at IS NOT NULL AND next_run_at <= @now ORDER BY next_run_at LIMIT @limit", c =>
        {
            c.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, Instants.ToDb(now));
            c.Parameters.AddWithValue("limit", limit);
        }, ct);

    /// <inheritdoc />
    public Task<bool> AdvanceScheduleAsync(string tenant, string name, DateTimeOffset expectedNextRunAt, DateTimeOffset? nextRunAt,
        DateTimeOffset? lastRunAt, long? lastJobId, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            UPDATE {Schema}.schedules SET next_run_at = @next, last_run_at = @last, last_job_id = @lastJob, updated_at = @updated
            WHERE tenant = @tenant AND name = @name AND next_run_at = @expected AND NOT paused
            """);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("name", name);
        cmd.Parameters.AddWithValue("expected", NpgsqlDbType.TimestampTz, Instants.ToDb(expectedNextRunAt));
        cmd.Parameters.AddWithValue("next", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(nextRunAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("last", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(lastRunAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("lastJob", NpgsqlDbType.Bigint, (object?)lastJobId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("updated", NpgsqlDbType.TimestampTz, Instants.ToDb(now));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    });

    private static Schedule? First(IReadOnlyList<Schedule> schedules) => schedules.Count > 0 ? schedules[0] : null;

    private static void SetSchedule(NpgsqlCommand cmd, Schedule schedule)
    {
        cmd.Parameters.AddWithValue("tenant", schedule.Tenant);
        cmd.Parameters.AddWithValue("name", schedule.Name);
        cmd.Parameters.AddWithValue("definition", schedule.Definition);
        cmd.Parameters.AddWithValue("source", schedule.Source);
        cmd.Parameters.AddWithValue("paused", schedule.Paused);
        cmd.Parameters.AddWithValue("next", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(schedule.NextRunAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("updated", NpgsqlDbType.TimestampTz, Instants.ToDb(schedule.UpdatedAt));
    }

    private Task<IReadOnlyList<Schedule>> ReadSchedulesAsync(string where, Action<NpgsqlCommand> set, CancellationToken ct) =>
        Guard<IReadOnlyList<Schedule>>(async () =>
        {
            await using var cmd = _dataSource.CreateCommand($"SELECT {ScheduleColumns} FROM {Schema}.schedules {where}");
            set(cmd);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var schedules = new List<Schedule>();
            while (await reader.ReadAsync(ct))
            {
                schedules.Add(new Schedule
                {
                    Tenant = reader.GetString(0),
                    Name = reader.GetString(1),
                    Definition = reader.GetString(2),
                    Source = reader.GetString(3),
                    Paused = reader.GetBoolean(4),
                    NextRunAt = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    LastRunAt = reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                    LastJobId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    CreatedAt = reader.GetFieldValue<DateTimeOffset>(8),
                    UpdatedAt = reader.GetFieldValue<DateTimeOffset>(9),
                });
            }

            return schedules;
        });
}
