using Escala.Jobs;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

// Counts by queue and state. Completed jobs, most of the table, are counted from completed_counts and the deltas every
// statement that moves jobs into or out of the completed state appends (migration 0013); every other state from its
// partial index, so no count reads the completed jobs.
public sealed partial class PostgresJobStore
{
    /// <summary>
    /// A CTE (<c>name AS (…)</c>) that records the completed jobs among <paramref name="source"/>'s rows (a CTE
    /// returning <c>tenant</c>, <c>queue</c> and the row's new <c>state</c>) in <c>completed_deltas</c>, one row per
    /// tenant and queue, in the statement's own transaction: as jobs entering the state, or leaving it when
    /// <paramref name="leaving"/> (deleted). A data-modifying CTE runs whether or not it is read.
    /// </summary>
    private string CompletedDeltas(string source, bool leaving = false) =>
        $"""
        counted AS (
            INSERT INTO {Schema}.completed_deltas (tenant, queue, n)
            SELECT tenant, queue, {(leaving ? "-" : "")}count(*) FROM {source} WHERE state = {(short)JobState.Completed} GROUP BY tenant, queue
        )
        """;

    /// <summary>Records <paramref name="n"/> jobs of a tenant's queue entering (positive) or leaving (negative) the completed state.</summary>
    private NpgsqlBatchCommand CompletedDelta(string tenant, string queue, long n) => Command(
        $"INSERT INTO {Schema}.completed_deltas (tenant, queue, n) VALUES (@tenant, @queue, @n)",
        ("tenant", tenant), ("queue", queue), ("n", n));

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueCounts>> CountByQueueAsync(string? tenant, CancellationToken ct) => Guard<IReadOnlyList<QueueCounts>>(async () =>
    {
        // Two texts rather than "@tenant IS NULL OR tenant = @tenant": a prepared statement's generic plan could not use
        // the tenant's index for either.
        var ofTenant = tenant is null ? "" : " AND tenant = @tenant";
        await using var cmd = _dataSource.CreateCommand(
            $"""
            SELECT queue, {(short)JobState.Completed}::smallint, sum(n)::bigint
            FROM (SELECT tenant, queue, n FROM {Schema}.completed_counts
                  UNION ALL SELECT tenant, queue, n FROM {Schema}.completed_deltas) AS c
            WHERE true{ofTenant}
            GROUP BY queue HAVING sum(n) > 0
            UNION ALL
            SELECT queue, 1::smallint, count(*) FROM {Schema}.jobs WHERE state = 1{ofTenant} GROUP BY queue
            UNION ALL
            SELECT queue, 2::smallint, count(*) FROM {Schema}.jobs WHERE state = 2{ofTenant} GROUP BY queue
            UNION ALL
            SELECT queue, state, count(*) FROM {Schema}.jobs WHERE state IN (0, 3, 5, 6){ofTenant} GROUP BY queue, state
            UNION ALL
            SELECT queue, 7::smallint, count(*) FROM {Schema}.jobs WHERE workflow_id IS NOT NULL AND state = 7{ofTenant} GROUP BY queue
            """);
        if (tenant is not null)
        {
            cmd.Parameters.AddWithValue("tenant", tenant);
        }

        return await ReadCountsAsync(cmd, JobStates.All, ct);
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueCounts>> CountActiveByQueueAsync(CancellationToken ct) => Guard<IReadOnlyList<QueueCounts>>(async () =>
    {
        // One branch per partial index (available, running, scheduled and retryable), so the count reads
        // those jobs only and never the finished ones.
        await using var cmd = _dataSource.CreateCommand(
            $"""
            SELECT queue, 1::smallint, count(*) FROM {Schema}.jobs WHERE state = 1 GROUP BY queue
            UNION ALL
            SELECT queue, 2::smallint, count(*) FROM {Schema}.jobs WHERE state = 2 GROUP BY queue
            UNION ALL
            SELECT queue, state, count(*) FROM {Schema}.jobs WHERE state IN (0, 3) GROUP BY queue, state
            """);
        return await ReadCountsAsync(cmd, JobStates.Active, ct);
    });

    /// <summary>
    /// Folds the appended deltas into <c>completed_counts</c>, so a count sums a row per tenant and queue plus the
    /// deltas of the last minute or so. Deleting and adding in one statement: a reader sees either both or neither.
    /// </summary>
    private async Task FoldCompletedCountsAsync(CancellationToken ct)
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            WITH folded AS (
                DELETE FROM {Schema}.completed_deltas RETURNING tenant, queue, n
            )
            INSERT INTO {Schema}.completed_counts AS c (tenant, queue, n)
            SELECT tenant, queue, sum(n) FROM folded GROUP BY tenant, queue
            ON CONFLICT (tenant, queue) DO UPDATE SET n = c.n + excluded.n
            """);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<QueueCounts>> ReadCountsAsync(NpgsqlCommand cmd, IReadOnlyList<JobState> states, CancellationToken ct)
    {
        var byQueue = new SortedDictionary<string, Dictionary<JobState, long>>(StringComparer.Ordinal);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var queue = reader.GetString(0);
            if (!byQueue.TryGetValue(queue, out var counts))
            {
                counts = states.ToDictionary(s => s, _ => 0L);
                byQueue.Add(queue, counts);
            }

            counts[(JobState)reader.GetInt16(1)] = reader.GetInt64(2);
        }

        return byQueue.Select(q => new QueueCounts(q.Key, q.Value)).ToList();
    }
}
