using Escala.Storage;
using NpgsqlTypes;

namespace Escala.Postgres;

// The completion callbacks' outbox.
public sealed partial class PostgresJobStore : ICallbackStore
{
    /// <inheritdoc />
    public Task<long> AddCallbackAsync(string tenant, string url, string payload, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"INSERT INTO {Schema}.callbacks (tenant, url, payload, next_attempt_at, created_at) VALUES (@tenant, @url, @payload, @now, @now) RETURNING id");
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("url", url);
        cmd.Parameters.AddWithValue("payload", payload);
        cmd.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, Instants.ToDb(now));
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<PendingCallback>> DueCallbacksAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        Guard<IReadOnlyList<PendingCallback>>(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"""
                SELECT c.id, c.tenant, c.url, c.payload, c.attempts, c.job_id, j.id IS NOT NULL, {JobReader.Qualified("j")}
                FROM {Schema}.callbacks c LEFT JOIN {Schema}.jobs j ON j.id = c.job_id
                WHERE c.delivered_at IS NULL AND c.failed_at IS NULL AND c.next_attempt_at <= @now
                  AND (c.payload IS NOT NULL OR c.job_id IS NULL OR j.id IS NULL OR j.state IN (4, 5, 6))
                ORDER BY c.next_attempt_at LIMIT @limit
                """);
            cmd.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, Instants.ToDb(now));
            cmd.Parameters.AddWithValue("limit", limit);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var callbacks = new List<PendingCallback>();
            while (await reader.ReadAsync(ct))
            {
                var payload = reader.IsDBNull(3) ? null : reader.GetString(3);
                var job = payload is null && reader.GetBoolean(6) ? JobReader.Read(reader, 7) : null;
                callbacks.Add(new PendingCallback(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), payload, reader.GetInt32(4), job,
                    payload is null && job is null));
            }

            return callbacks;
        });

    /// <inheritdoc />
    public Task RecordCallbackAsync(CallbackAttempt attempt, CancellationToken ct) => Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(attempt);
        await using var cmd = _dataSource.CreateCommand(
            $"""
            UPDATE {Schema}.callbacks SET attempts = @attempts, payload = coalesce(@payload, payload), delivered_at = @delivered,
                failed_at = @failed, next_attempt_at = coalesce(@next, next_attempt_at), last_error = @error
            WHERE id = @id
            """);
        cmd.Parameters.AddWithValue("id", attempt.Id);
        cmd.Parameters.AddWithValue("attempts", attempt.Attempts);
        cmd.Parameters.AddWithValue("payload", NpgsqlDbType.Text, (object?)attempt.Payload ?? DBNull.Value);
        cmd.Parameters.AddWithValue("delivered", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(attempt.DeliveredAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("failed", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(attempt.FailedAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("next", NpgsqlDbType.TimestampTz, (object?)Instants.ToDb(attempt.NextAttemptAt) ?? DBNull.Value);
        cmd.Parameters.AddWithValue("error", NpgsqlDbType.Text, (object?)attempt.LastError ?? DBNull.Value);
        await cmd.ExecuteNonQueryAsync(ct);
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<CallbackStatus>> CallbacksOfJobAsync(string tenant, long jobId, CancellationToken ct) =>
        Guard<IReadOnlyList<CallbackStatus>>(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"""
                SELECT id, url, attempts, next_attempt_at, delivered_at, failed_at, last_error FROM {Schema}.callbacks
                WHERE tenant = @tenant AND job_id = @job ORDER BY id
                """);
            cmd.Parameters.AddWithValue("tenant", tenant);
            cmd.Parameters.AddWithValue("job", jobId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var callbacks = new List<CallbackStatus>();
            while (await reader.ReadAsync(ct))
            {
                callbacks.Add(new CallbackStatus(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return callbacks;
        });
}
