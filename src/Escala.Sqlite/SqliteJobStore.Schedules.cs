using Escala.Scheduling;
using Escala.Sqlite.Sql;
using Escala.Storage;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite;

// Recurring schedules.
public sealed partial class SqliteJobStore : IScheduleStore
{
    private const string ScheduleColumns =
        "tenant, name, definition, source, paused, next_run_at, last_run_at, last_job_id, created_at, updated_at";

    private const string InsertScheduleSql =
        "INSERT INTO schedules (" + ScheduleColumns + ") VALUES ($tenant, $name, $definition, $source, $paused, $next, $last, $lastJob, $created, $updated) " +
        "ON CONFLICT (tenant, name) DO NOTHING";

    private const string ReplaceScheduleSql =
        "UPDATE schedules SET definition = $definition, source = $source, paused = $paused, next_run_at = $next, updated_at = $updated " +
        "WHERE tenant = $tenant AND name = $name";

    private const string DeleteScheduleSql = "DELETE FROM schedules WHERE tenant = $tenant AND name = $name";

    private const string AdvanceScheduleSql =
        "UPDATE schedules SET next_run_at = $next, last_run_at = $last, last_job_id = $lastJob, updated_at = $updated " +
        "WHERE tenant = $tenant AND name = $name AND next_run_at = $expected AND paused = 0";

    /// <inheritdoc/>
    public Task<bool> InsertScheduleAsync(Schedule schedule, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return _writer.WriteAsync(context => SetSchedule(context.Prepared(InsertScheduleSql), schedule)
            .Set("$last", Ms(schedule.LastRunAt)).Set("$lastJob", schedule.LastJobId).Set("$created", Instants.ToMs(schedule.CreatedAt))
            .ExecuteNonQuery() == 1, ct);
    }

    /// <inheritdoc/>
    public Task<bool> ReplaceScheduleAsync(Schedule schedule, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return _writer.WriteAsync(context => SetSchedule(context.Prepared(ReplaceScheduleSql), schedule).ExecuteNonQuery() == 1, ct);
    }

    /// <inheritdoc/>
    public Task<bool> DeleteScheduleAsync(string tenant, string name, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(DeleteScheduleSql).Set("$tenant", tenant).Set("$name", name).ExecuteNonQuery() == 1, ct);

    /// <inheritdoc/>
    public async Task<Schedule?> GetScheduleAsync(string tenant, string name, CancellationToken ct) =>
        First(await ReadSchedulesAsync("WHERE tenant = $tenant AND name = $name", c => c.Set("$tenant", tenant).Set("$name", name), ct));

    /// <inheritdoc/>
    public Task<IReadOnlyList<Schedule>> ListSchedulesAsync(string? tenant, CancellationToken ct) =>
        tenant is null
            ? ReadSchedulesAsync("ORDER BY tenant, name", _ => { }, ct)
            : ReadSchedulesAsync("WHERE tenant = $tenant ORDER BY name", c => c.Set("$tenant", tenant), ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<Schedule>> DueSchedulesAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        ReadSchedulesAsync(
            "INDEXED BY schedules_due WHERE paused = 0 AND next_run_at IS NOT NULL AND next_run_at <= $now ORDER BY next_run_at LIMIT $limit",
            c => c.Set("$now", Instants.ToMs(now)).Set("$limit", limit), ct);

    /// <inheritdoc/>
    public Task<bool> AdvanceScheduleAsync(string tenant, string name, DateTimeOffset expectedNextRunAt, DateTimeOffset? nextRunAt,
        DateTimeOffset? lastRunAt, long? lastJobId, DateTimeOffset now, CancellationToken ct) =>
        _writer.WriteAsync(context => context.Prepared(AdvanceScheduleSql)
            .Set("$tenant", tenant).Set("$name", name).Set("$expected", Instants.ToMs(expectedNextRunAt)).Set("$next", Ms(nextRunAt))
            .Set("$last", Ms(lastRunAt)).Set("$lastJob", lastJobId).Set("$updated", Instants.ToMs(now))
            .ExecuteNonQuery() == 1, ct);

    private static Schedule? First(IReadOnlyList<Schedule> schedules) => schedules.Count > 0 ? schedules[0] : null;

    private static SqliteCommand SetSchedule(SqliteCommand command, Schedule schedule) => command
        .Set("$tenant", schedule.Tenant).Set("$name", schedule.Name).Set("$definition", schedule.Definition).Set("$source", schedule.Source)
        .Set("$paused", schedule.Paused ? 1 : 0).Set("$next", Ms(schedule.NextRunAt)).Set("$updated", Instants.ToMs(schedule.UpdatedAt));

    private static long? Ms(DateTimeOffset? at) => at is { } value ? Instants.ToMs(value) : null;

    private Task<IReadOnlyList<Schedule>> ReadSchedulesAsync(string where, Action<SqliteCommand> set, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<Schedule>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT {ScheduleColumns} FROM schedules {where}";
            set(command);
            using var reader = command.ExecuteReader();
            var schedules = new List<Schedule>();
            while (reader.Read())
            {
                schedules.Add(new Schedule
                {
                    Tenant = reader.GetString(0),
                    Name = reader.GetString(1),
                    Definition = reader.GetString(2),
                    Source = reader.GetString(3),
                    Paused = reader.GetInt64(4) != 0,
                    NextRunAt = reader.IsDBNull(5) ? null : Instants.FromMs(reader.GetInt64(5)),
                    LastRunAt = reader.IsDBNull(6) ? null : Instants.FromMs(reader.GetInt64(6)),
                    LastJobId = reader.IsDBNull(7) ? null : reader.GetInt64(7),
                    CreatedAt = Instants.FromMs(reader.GetInt64(8)),
                    UpdatedAt = Instants.FromMs(reader.GetInt64(9)),
                });
            }

            return schedules;
        }, ct);
}
