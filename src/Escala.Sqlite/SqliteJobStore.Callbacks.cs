using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;

namespace Escala.Sqlite;

// The completion callbacks' outbox.
public sealed partial class SqliteJobStore : ICallbackStore
{
    private const string AddCallbackSql =
        "INSERT INTO callbacks (tenant, job_id, url, payload, next_attempt_at, created_at) VALUES ($tenant, $job, $url, $payload, $now, $now) RETURNING id";

    private const string DueCallbacksSql =
        "SELECT c.id, c.tenant, c.url, c.payload, c.attempts, c.job_id, j.id FROM callbacks c INDEXED BY callbacks_pending " +
        "LEFT JOIN jobs j ON j.id = c.job_id " +
        "WHERE c.delivered_at IS NULL AND c.failed_at IS NULL AND c.next_attempt_at <= $now " +
        "AND (c.payload IS NOT NULL OR c.job_id IS NULL OR j.id IS NULL OR j.state IN (4, 5, 6)) ORDER BY c.next_attempt_at LIMIT $limit";

    private const string RecordCallbackSql =
        "UPDATE callbacks SET attempts = $attempts, payload = coalesce($payload, payload), delivered_at = $delivered, failed_at = $failed, " +
        "next_attempt_at = coalesce($next, next_attempt_at), last_error = $error WHERE id = $id";

    private const string CallbacksOfJobSql =
        "SELECT id, url, attempts, next_attempt_at, delivered_at, failed_at, last_error FROM callbacks WHERE tenant = $tenant AND job_id = $job ORDER BY id";

    /// <inheritdoc/>
    public Task<long> AddCallbackAsync(string tenant, string url, string payload, DateTimeOffset now, CancellationToken ct) =>
        _writer.WriteAsync(context => AddCallback(context, tenant, null, url, payload, now), ct);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<PendingCallback>> DueCallbacksAsync(DateTimeOffset now, int limit, CancellationToken ct)
    {
        var rows = await ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = DueCallbacksSql;
            command.Set("$now", Instants.ToMs(now)).Set("$limit", limit);
            using var reader = command.ExecuteReader();
            var due = new List<(long Id, string Tenant, string Url, string? Payload, int Attempts, long? JobId, bool JobExists)>();
            while (reader.Read())
            {
                due.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt64(5), !reader.IsDBNull(6)));
            }

            return due;
        }, ct);

        var callbacks = new List<PendingCallback>(rows.Count);
        foreach (var row in rows)
        {
            var job = row.Payload is null && row.JobId is { } id && row.JobExists ? await GetAsync(row.Tenant, id, ct) : null;
            callbacks.Add(new PendingCallback(row.Id, row.Tenant, row.Url, row.Payload, row.Attempts, job, row.Payload is null && job is null));
        }

        return callbacks;
    }

    /// <inheritdoc/>
    public Task RecordCallbackAsync(CallbackAttempt attempt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        return _writer.WriteAsync(context => context.Prepared(RecordCallbackSql)
            .Set("$id", attempt.Id).Set("$attempts", attempt.Attempts).Set("$payload", attempt.Payload)
            .Set("$delivered", Ms(attempt.DeliveredAt)).Set("$failed", Ms(attempt.FailedAt)).Set("$next", Ms(attempt.NextAttemptAt))
            .Set("$error", attempt.LastError).ExecuteNonQuery(), ct);
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<CallbackStatus>> CallbacksOfJobAsync(string tenant, long jobId, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<CallbackStatus>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = CallbacksOfJobSql;
            command.Set("$tenant", tenant).Set("$job", jobId);
            using var reader = command.ExecuteReader();
            var callbacks = new List<CallbackStatus>();
            while (reader.Read())
            {
                callbacks.Add(new CallbackStatus(reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2), Instants.FromMs(reader.GetInt64(3)),
                    reader.IsDBNull(4) ? null : Instants.FromMs(reader.GetInt64(4)), reader.IsDBNull(5) ? null : Instants.FromMs(reader.GetInt64(5)),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return callbacks;
        }, ct);

    private static long AddCallback(WriteContext context, string tenant, long? jobId, string url, string? payload, DateTimeOffset now) =>
        (long)context.Prepared(AddCallbackSql).Set("$tenant", tenant).Set("$job", jobId).Set("$url", url).Set("$payload", payload)
            .Set("$now", Instants.ToMs(now)).ExecuteScalar()!;
}
