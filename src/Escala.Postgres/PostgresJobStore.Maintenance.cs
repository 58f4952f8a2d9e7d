using Escala.Jobs;
using Escala.Storage;

namespace Escala.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<Job>> GetExpiredLeasesAsync(DateTimeOffset now, int limit, CancellationToken ct) => Guard<IReadOnlyList<Job>>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            SELECT {JobReader.Columns} FROM {Schema}.jobs
            WHERE state = 2 AND lease_expires_at < @now
            ORDER BY lease_expires_at, id
            LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        cmd.Parameters.AddWithValue("limit", limit);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await JobReader.ReadAllAsync(reader, ct);
    });

    /// <inheritdoc />
    public Task<int> PromoteDueAsync(DateTimeOffset now, int limit, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            WITH due AS (
                SELECT id FROM {Schema}.jobs
                WHERE state IN (0, 3) AND run_at <= @now
                ORDER BY run_at, id
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
            ),
            promoted AS (
                UPDATE {Schema}.jobs j SET state = 1 FROM due WHERE j.id = due.id RETURNING j.queue
            )
            SELECT queue, n::int, pg_notify(@channel, @origin || queue)::text
            FROM (SELECT queue, count(*) AS n FROM promoted GROUP BY queue) AS q
            """);
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        cmd.Parameters.AddWithValue("limit", limit);
        cmd.Parameters.AddWithValue("channel", _channel);
        cmd.Parameters.AddWithValue("origin", _listener.Origin);
        var promoted = 0;
        var queues = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                queues.Add(reader.GetString(0));
                promoted += reader.GetInt32(1);
            }
        }

        _listener.Publish(queues);
        return promoted;
    });

    /// <inheritdoc />
    public Task<int> PruneAsync(PruneRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Guard(async () =>
        {
            await using var cmd = _dataSource.CreateCommand(
                $"""
                WITH cutoffs AS (
                    SELECT * FROM unnest(@queues::text[], @cutoffs::timestamptz[]) AS c(queue, cutoff)
                ),
                doomed AS (
                    SELECT j.id FROM {Schema}.jobs j LEFT JOIN cutoffs c ON c.queue = j.queue
                    WHERE j.state IN (4, 5, 6) AND j.finished_at < coalesce(c.cutoff, @default)
                    LIMIT @limit
                )
                DELETE FROM {Schema}.jobs j USING doomed WHERE j.id = doomed.id
                """);
            cmd.Parameters.AddWithValue("queues", request.QueueCutoffs.Keys.ToArray());
            cmd.Parameters.AddWithValue("cutoffs", request.QueueCutoffs.Values.Select(Instants.ToDb).ToArray());
            cmd.Parameters.AddWithValue("default", Instants.ToDb(request.DefaultCutoff));
            cmd.Parameters.AddWithValue("limit", request.Limit);
            return await cmd.ExecuteNonQueryAsync(ct);
        });
    }
}
