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

    private long _nextStatsCheck;

    /// <summary>How often the leader looks whether the jobs table outgrew its planner statistics (5 s; tests shorten it).</summary>
    internal TimeSpan StatsCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    /// <remarks>Only the maintenance leader promotes, so this is also where it keeps the planner statistics fresh.</remarks>
    public Task<int> PromoteDueAsync(DateTimeOffset now, int limit, CancellationToken ct) => Guard(async () =>
    {
        await AnalyzeIfOutgrownAsync(ct);
        await using var cmd = _dataSource.CreateCommand(
            $"""
            -- Ids as an array, not a join: see MarkRunningSql.
            WITH due AS (
                SELECT id FROM {Schema}.jobs
                WHERE state IN (0, 3) AND run_at <= @now
                ORDER BY run_at, id
                LIMIT @limit
                FOR UPDATE SKIP LOCKED
            ),
            promoted AS (
                UPDATE {Schema}.jobs j SET state = 1 WHERE j.id = ANY(ARRAY(SELECT id FROM due)) RETURNING j.queue
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

    /// <summary>
    /// Runs ANALYZE on the jobs table when it has changed by more than twice its analyzed size (and by at
    /// least 20,000 rows) since the last ANALYZE.
    /// </summary>
    /// <remarks>
    /// The hot statements are prepared, and PostgreSQL fixes a prepared statement's generic plan on the
    /// size the table had then. A plan made while the table was nearly empty (a new install, a burst after
    /// a quiet night) scans the whole table; it stays until the table's statistics change. Autovacuum
    /// would change them, but it looks only once a minute, and at thousands of jobs a second the scans
    /// grow costly well before that. ANALYZE invalidates those plans on every node. On a table that grows
    /// steadily this never fires: autovacuum's own threshold (a tenth of the table) comes first.
    /// </remarks>
    private async Task AnalyzeIfOutgrownAsync(CancellationToken ct)
    {
        var nowTicks = Environment.TickCount64;
        if (nowTicks < Volatile.Read(ref _nextStatsCheck))
        {
            return;
        }

        Volatile.Write(ref _nextStatsCheck, nowTicks + (long)StatsCheckInterval.TotalMilliseconds);
        await using var check = _dataSource.CreateCommand(
            """
            SELECT s.n_mod_since_analyze > greatest(20000, 2 * c.reltuples)
            FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname = @schema AND s.relname = 'jobs'
            """);
        check.Parameters.AddWithValue("schema", Schema);
        if (await check.ExecuteScalarAsync(ct) is true)
        {
            await using var analyze = _dataSource.CreateCommand($"ANALYZE {Schema}.jobs");
            await analyze.ExecuteNonQueryAsync(ct);
        }
    }

    /// <inheritdoc />
    /// <remarks>The leader's periodic call: it also folds the completed counts' deltas (migration 0013).</remarks>
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
                ),
                deleted AS (
                    DELETE FROM {Schema}.jobs j WHERE j.id = ANY(ARRAY(SELECT id FROM doomed)) RETURNING j.tenant, j.queue, j.state
                ),
                {CompletedDeltas("deleted", leaving: true)}
                SELECT count(*)::int FROM deleted
                """);
            cmd.Parameters.AddWithValue("queues", request.QueueCutoffs.Keys.ToArray());
            cmd.Parameters.AddWithValue("cutoffs", request.QueueCutoffs.Values.Select(Instants.ToDb).ToArray());
            cmd.Parameters.AddWithValue("default", Instants.ToDb(request.DefaultCutoff));
            cmd.Parameters.AddWithValue("limit", request.Limit);
            var pruned = (int)(await cmd.ExecuteScalarAsync(ct))!;
            await FoldCompletedCountsAsync(ct);
            return pruned;
        });
    }
}
