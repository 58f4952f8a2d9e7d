using System.Text;
using Escala.Jobs;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

public sealed partial class PostgresJobStore
{
    /// <inheritdoc />
    public Task<Job?> GetAsync(string tenant, long id, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"SELECT {JobReader.Columns} FROM {Schema}.jobs WHERE tenant = @tenant AND id = @id");
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? JobReader.Read(reader) : null;
    });

    /// <inheritdoc />
    public Task<JobPage> ListAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Guard(async () =>
        {
            var limit = Math.Max(1, query.Limit);
            var sql = new StringBuilder($"SELECT {JobReader.Columns} FROM {Schema}.jobs WHERE tenant = @tenant");
            await using var cmd = _dataSource.CreateCommand();
            cmd.Parameters.AddWithValue("tenant", query.Tenant);
            if (query.Queue is not null)
            {
                sql.Append(" AND queue = @queue");
                cmd.Parameters.AddWithValue("queue", query.Queue);
            }

            if (query.State is { } state)
            {
                // A literal: a parameter cannot prove the rare-state index's condition in a generic plan (migration 0011).
                sql.Append(" AND state = ").Append(((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (query.Kind is not null)
            {
                sql.Append(" AND kind = @kind");
                cmd.Parameters.AddWithValue("kind", query.Kind);
            }

            if (query.IdempotencyKey is not null)
            {
                sql.Append(" AND idempotency_key = @key");
                cmd.Parameters.AddWithValue("key", query.IdempotencyKey);
            }

            if (query.Before is { } before)
            {
                sql.Append(" AND id < @before");
                cmd.Parameters.AddWithValue("before", before);
            }

            sql.Append(" ORDER BY id DESC LIMIT @limit");
            cmd.Parameters.AddWithValue("limit", limit + 1);
            cmd.CommandText = sql.ToString();
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var jobs = await JobReader.ReadAllAsync(reader, ct);
            if (jobs.Count <= limit)
            {
                return new JobPage(jobs, null);
            }

            jobs.RemoveAt(limit);
            return new JobPage(jobs, jobs[^1].Id);
        });
    }

    /// <inheritdoc />
    public Task<CancelResult> CancelAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var job = await LockJobAsync(connection, tx, tenant, id, ct);
        if (job is null)
        {
            return new CancelResult(CancelStatus.NotFound, null);
        }

        if (job.State.IsFinal())
        {
            return new CancelResult(CancelStatus.AlreadyFinal, job);
        }

        var running = job.State == JobState.Running;
        await using var cmd = new NpgsqlCommand(
            running
                ? $"UPDATE {Schema}.jobs SET cancel_requested = true WHERE tenant = @tenant AND id = @id RETURNING {JobReader.Columns}"
                : $"UPDATE {Schema}.jobs SET state = 5, finished_at = @now WHERE tenant = @tenant AND id = @id RETURNING {JobReader.Columns}",
            connection,
            tx);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        var updated = await ReadOneAsync(cmd, ct);
        var finished = new List<long>();
        var released = updated is { WorkflowId: not null } && !running
            ? await SettleWorkflowJobAsync(connection, tx, updated, now, finished, ct)
            : [];
        await tx.CommitAsync(ct);
        _listener.Publish([.. released]);
        _workflowsFinished.Publish(finished);
        _changes.Mark();
        return new CancelResult(running ? CancelStatus.Requested : CancelStatus.Cancelled, updated);
    });

    /// <inheritdoc />
    public Task<RetryResult> RetryAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var job = await LockJobAsync(connection, tx, tenant, id, ct);
        if (job is null)
        {
            return new RetryResult(RetryStatus.NotFound, null);
        }

        // A workflow's counters count each step once: a step does not run again on its own.
        if (job.State is JobState.Running or JobState.Available || job.WorkflowId is not null)
        {
            return new RetryResult(RetryStatus.NotRetryable, job);
        }

        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(Command(
            $"""
            UPDATE {Schema}.jobs
            SET state = 1, run_at = @now, finished_at = NULL, cancel_requested = false,
                max_attempts = greatest(max_attempts, attempt + 1)
            WHERE tenant = @tenant AND id = @id
            RETURNING {JobReader.Columns}
            """,
            ("tenant", tenant),
            ("id", id), ("now", Instants.ToDb(now))));
        batch.BatchCommands.Add(Notify([job.Queue]));
        if (job.State == JobState.Completed)
        {
            batch.BatchCommands.Add(CompletedDelta(job.Tenant, job.Queue, -1));
        }

        Job updated;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            updated = JobReader.Read(reader);
        }

        await tx.CommitAsync(ct);
        _listener.Publish([updated.Queue]);
        return new RetryResult(RetryStatus.Retried, updated);
    });

    private async Task<Job?> LockJobAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string tenant, long id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"SELECT {JobReader.Columns} FROM {Schema}.jobs WHERE tenant = @tenant AND id = @id FOR UPDATE", connection, tx);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("id", id);
        return await ReadOneAsync(cmd, ct);
    }

    private static async Task<Job?> ReadOneAsync(NpgsqlCommand cmd, CancellationToken ct)
    {
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? JobReader.Read(reader) : null;
    }
}
