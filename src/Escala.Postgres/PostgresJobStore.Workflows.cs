using Escala.Jobs;
using Escala.Storage;
using Escala.Workflows;
using Npgsql;
using NpgsqlTypes;

namespace Escala.Postgres;

// Workflows (IWorkflowStore): steps that wait for their parents, fan-out, cancel. The settling that a job's end runs
// is spliced into the completion statement (PostgresJobStore.Running.cs, WorkflowSql.Chain).
public sealed partial class PostgresJobStore : IWorkflowStore
{
    private const string WorkflowColumns = "id, tenant, name, on_failure, state, unfinished, failed, created_at, finished_at";

    private readonly WorkflowFinishedSubscribers _workflowsFinished = new();

    /// <inheritdoc />
    public IDisposable SubscribeWorkflowFinished(Action<long> onFinished) => _workflowsFinished.Subscribe(onFinished);

    /// <inheritdoc />
    public Task<Workflow> CreateWorkflowAsync(NewWorkflow workflow, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        return Guard(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            long id;
            await using (var insert = new NpgsqlCommand(
                $"INSERT INTO {Schema}.workflows (tenant, name, on_failure, state, unfinished, created_at, callback_url) " +
                "VALUES (@tenant, @name, @on_failure, 0, @unfinished, @now, @callback_url) RETURNING id", connection, tx))
            {
                insert.Parameters.AddWithValue("tenant", workflow.Tenant);
                insert.Parameters.Add(new NpgsqlParameter("name", NpgsqlDbType.Text) { Value = (object?)workflow.Name ?? DBNull.Value });
                insert.Parameters.AddWithValue("on_failure", (short)workflow.OnFailure);
                insert.Parameters.AddWithValue("unfinished", workflow.Steps.Count);
                insert.Parameters.Add(new NpgsqlParameter("callback_url", NpgsqlDbType.Text) { Value = (object?)workflow.CallbackUrl ?? DBNull.Value });
                insert.Parameters.AddWithValue("now", Instants.ToDb(now));
                id = (long)(await insert.ExecuteScalarAsync(ct))!;
            }

            var jobs = await InsertWorkflowJobsAsync(
                connection, tx, id, [.. workflow.Steps.Select(s => (s.Job, s.Name, s.Parents.Count))], spawnedBy: null, now, ct);
            var parents = workflow.Steps.SelectMany((s, i) => s.Parents.Select(p => jobs[p].Id)).ToArray();
            var children = workflow.Steps.SelectMany((s, i) => s.Parents.Select(_ => jobs[i].Id)).ToArray();
            await using (var edges = new NpgsqlCommand(
                $"INSERT INTO {Schema}.workflow_edges (parent_id, child_id) SELECT * FROM unnest(@parents::bigint[], @children::bigint[]) ON CONFLICT DO NOTHING",
                connection, tx))
            {
                edges.Parameters.AddWithValue("parents", parents);
                edges.Parameters.AddWithValue("children", children);
                await edges.ExecuteNonQueryAsync(ct);
            }

            var available = await NotifyAvailableAsync(connection, tx, jobs, ct);
            await tx.CommitAsync(ct);
            _listener.Publish(available);
            return new Workflow
            {
                Id = id,
                Tenant = workflow.Tenant,
                Name = workflow.Name,
                State = WorkflowState.Running,
                OnFailure = workflow.OnFailure,
                CreatedAt = Instants.ToDb(now),
                Unfinished = jobs.Count,
                Steps = [.. workflow.Steps.Select((s, i) => new WorkflowStep(s.Name, jobs[i], [.. s.Parents.Select(p => workflow.Steps[p].Name)], 0))],
            };
        });
    }

    /// <inheritdoc />
    public Task<Workflow?> GetWorkflowAsync(string tenant, long id, CancellationToken ct) => Guard(async () =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        return await ReadWorkflowAsync(connection, null, tenant, id, ct);
    });

    /// <inheritdoc />
    public Task<Workflow?> CancelWorkflowAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var cancel = new NpgsqlCommand(
            $"""
            WITH asked AS (
                SELECT id FROM {Schema}.workflows WHERE tenant = @tenant AND id = @id AND state = 0 FOR UPDATE
            ),
            stopped AS (
                UPDATE {Schema}.jobs j SET
                    state = CASE WHEN j.state = 2 THEN 2::smallint ELSE 5::smallint END,
                    finished_at = CASE WHEN j.state = 2 THEN j.finished_at ELSE @now END,
                    cancel_requested = j.state = 2
                WHERE j.workflow_id = (SELECT id FROM asked) AND j.state IN (0, 1, 2, 3, 7)
                RETURNING j.state
            )
            UPDATE {Schema}.workflows w SET
                cancel_requested = true,
                unfinished = w.unfinished - c.n,
                state = {WorkflowSql.FinalState("w.unfinished - c.n", "w.failed", "true")},
                finished_at = CASE WHEN w.unfinished - c.n > 0 THEN NULL ELSE @now END
            FROM (SELECT count(*) FILTER (WHERE state = 5)::int AS n FROM stopped) AS c
            WHERE w.id = (SELECT id FROM asked)
            RETURNING w.state
            """, connection, tx))
        {
            cancel.Parameters.AddWithValue("tenant", tenant);
            cancel.Parameters.AddWithValue("id", id);
            cancel.Parameters.AddWithValue("now", Instants.ToDb(now));
            var state = await cancel.ExecuteScalarAsync(ct);
            await tx.CommitAsync(ct);
            if (state is short value && value != (short)WorkflowState.Running)
            {
                _workflowsFinished.Publish([id]);
            }
        }

        _changes.Mark();
        return await ReadWorkflowAsync(connection, null, tenant, id, ct);
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<Job>?> SpawnAsync(LeaseRef lease, IReadOnlyList<NewJob> children, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(children);
        return Guard<IReadOnlyList<Job>?>(async () =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            long workflow;
            string step;
            int before;
            await using (var spawner = new NpgsqlCommand(
                $"SELECT workflow_id, step, coalesce(spawned, 0) FROM {Schema}.jobs " +
                "WHERE id = @id AND lease_token = @token AND workflow_id IS NOT NULL FOR UPDATE", connection, tx))
            {
                spawner.Parameters.AddWithValue("id", lease.JobId);
                spawner.Parameters.AddWithValue("token", lease.Token);
                await using var reader = await spawner.ExecuteReaderAsync(ct);
                if (!await reader.ReadAsync(ct))
                {
                    return null;
                }

                (workflow, step, before) = (reader.GetInt64(0), reader.GetString(1), reader.GetInt32(2));
            }

            var rows = children.Select((c, i) => (c, WorkflowStepNames.Child(step, before + i), 0)).ToList();
            var jobs = await InsertWorkflowJobsAsync(connection, tx, workflow, rows, lease.JobId, now, ct);
            await using (var link = new NpgsqlCommand(
                $"""
                WITH dependents AS (SELECT child_id FROM {Schema}.workflow_edges WHERE parent_id = @spawner),
                edges AS (
                    INSERT INTO {Schema}.workflow_edges (parent_id, child_id)
                    SELECT c.id, d.child_id FROM unnest(@children::bigint[]) AS c(id) CROSS JOIN dependents d
                    ON CONFLICT DO NOTHING
                ),
                waiting AS (
                    UPDATE {Schema}.jobs SET pending = pending + @n WHERE id IN (SELECT child_id FROM dependents) AND state = 7
                ),
                counted AS (
                    UPDATE {Schema}.jobs SET spawned = coalesce(spawned, 0) + @n WHERE id = @spawner
                )
                UPDATE {Schema}.workflows SET unfinished = unfinished + @n WHERE id = @workflow
                """, connection, tx))
            {
                link.Parameters.AddWithValue("spawner", lease.JobId);
                link.Parameters.AddWithValue("children", jobs.Select(j => j.Id).ToArray());
                link.Parameters.AddWithValue("n", jobs.Count);
                link.Parameters.AddWithValue("workflow", workflow);
                await link.ExecuteNonQueryAsync(ct);
            }

            var available = await NotifyAvailableAsync(connection, tx, jobs, ct);
            await tx.CommitAsync(ct);
            _listener.Publish(available);
            return jobs;
        });
    }

    /// <inheritdoc />
    public Task<WorkflowParentPage> GetParentsAsync(string tenant, long jobId, long? after, int limit, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            SELECT p.id, p.step, p.state, p.result FROM {Schema}.workflow_edges e JOIN {Schema}.jobs p ON p.id = e.parent_id
            WHERE e.child_id = @id AND e.parent_id > @after
              AND EXISTS (SELECT 1 FROM {Schema}.jobs c WHERE c.id = @id AND c.tenant = @tenant)
            ORDER BY e.parent_id LIMIT @limit
            """);
        cmd.Parameters.AddWithValue("id", jobId);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("after", after ?? 0L);
        cmd.Parameters.AddWithValue("limit", limit + 1);
        var parents = new List<WorkflowParent>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                parents.Add(new WorkflowParent(
                    reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetInt64(0), (JobState)reader.GetInt16(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        return WorkflowParentPage.Of(parents, limit);
    });

    /// <summary>
    /// Settles one workflow job that a statement other than the completion made final (a cancel), inside that
    /// statement's transaction: the same CTE chain as the completion's.
    /// </summary>
    private async Task<IReadOnlyList<string>> SettleWorkflowJobAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, List<long> finished, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            WITH RECURSIVE fin AS (SELECT @id::bigint AS id, @state::smallint AS state, @workflow::bigint AS workflow_id),
            {WorkflowSql.Chain(Schema, "fin")},
            woken AS (
                SELECT pg_notify(@channel, @origin || q.queue) FROM (SELECT DISTINCT queue FROM settled WHERE state = 1) AS q
            )
            SELECT {RowReleased}, 0::bigint, state, queue, (SELECT count(*) FROM woken) FROM settled WHERE state = 1
            UNION ALL SELECT {RowFinished}, id, state, '', 0 FROM finished WHERE state <> 0
            """, connection, tx);
        cmd.Parameters.AddWithValue("channel", _channel);
        cmd.Parameters.AddWithValue("origin", _listener.Origin);
        cmd.Parameters.AddWithValue("id", job.Id);
        cmd.Parameters.AddWithValue("state", (short)job.State);
        cmd.Parameters.AddWithValue("workflow", job.WorkflowId!.Value);
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        var released = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (reader.GetInt32(0) == RowFinished)
            {
                finished.Add(reader.GetInt64(1));
            }
            else
            {
                released.Add(reader.GetString(3));
            }
        }

        return released;
    }

    /// <summary>Wakes every node's workers for the queues that got available jobs (sent when the transaction commits).</summary>
    private async Task<string[]> NotifyAvailableAsync(NpgsqlConnection connection, NpgsqlTransaction tx, List<Job> jobs, CancellationToken ct)
    {
        string[] queues = [.. jobs.Where(j => j.State == JobState.Available).Select(j => j.Queue).Distinct(StringComparer.Ordinal)];
        if (queues.Length > 0)
        {
            await using var batch = new NpgsqlBatch(connection, tx) { BatchCommands = { Notify(queues) } };
            await batch.ExecuteNonQueryAsync(ct);
        }

        return queues;
    }

    private async Task<List<Job>> InsertWorkflowJobsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long workflow, List<(NewJob Job, string Step, int Pending)> rows,
        long? spawnedBy, DateTimeOffset now, CancellationToken ct)
    {
        var n = rows.Count;
        var ord = Enumerable.Range(0, n).ToArray();
        var state = rows.Select(r => (short)(r.Pending > 0 ? JobState.Waiting : r.Job.InitialState(now))).ToArray();
        await using var cmd = new NpgsqlCommand(
            $"""
            WITH input AS MATERIALIZED (
                SELECT nextval('{Schema}.jobs_id_seq') AS id, t.*
                FROM unnest(@ord::int[], @tenant::text[], @queue::text[], @kind::text[], @args::text[], @priority::int[],
                            @max_attempts::int[], @run_at::timestamptz[], @state::smallint[], @resources::text[],
                            @timeout::interval[], @backoff::interval[], @tokens::bigint[], @traceparent::text[], @step::text[], @pending::int[],
                            @concurrency_key::text[])
                     AS t(ord, tenant, queue, kind, args, priority, max_attempts, run_at, state, resources, timeout, backoff, tokens,
                          traceparent, step, pending, concurrency_key)
            )
            INSERT INTO {Schema}.jobs (id, tenant, queue, kind, args, priority, state, max_attempts, created_at, run_at, resources,
                                       timeout, backoff, tokens, traceparent, workflow_id, step, pending, spawned_by, concurrency_key)
            SELECT id, tenant, queue, kind, args, priority, state, max_attempts, @now, run_at,
                   CASE WHEN resources = '' THEN ARRAY[]::text[] ELSE string_to_array(resources, chr(31)) END,
                   timeout, backoff, tokens, traceparent, @workflow, step, pending, @spawned_by, concurrency_key
            FROM input ORDER BY ord
            RETURNING {JobReader.Columns}
            """, connection, tx);
        cmd.Parameters.AddWithValue("ord", ord);
        cmd.Parameters.AddWithValue("tenant", rows.Select(r => r.Job.Tenant).ToArray());
        cmd.Parameters.AddWithValue("queue", rows.Select(r => r.Job.Queue).ToArray());
        cmd.Parameters.AddWithValue("kind", rows.Select(r => r.Job.Kind).ToArray());
        cmd.Parameters.AddWithValue("args", rows.Select(r => r.Job.Args).ToArray());
        cmd.Parameters.AddWithValue("priority", rows.Select(r => r.Job.Priority).ToArray());
        cmd.Parameters.AddWithValue("max_attempts", rows.Select(r => r.Job.MaxAttempts).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("run_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz)
        {
            Value = rows.Select(r => Instants.ToDb(r.Job.RunAt)).ToArray(),
        });
        cmd.Parameters.AddWithValue("state", state);
        cmd.Parameters.AddWithValue("resources", rows.Select(r => string.Join(ResourceSeparator, r.Job.Resources)).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("timeout", NpgsqlDbType.Array | NpgsqlDbType.Interval) { Value = rows.Select(r => r.Job.Timeout).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("backoff", NpgsqlDbType.Array | NpgsqlDbType.Interval) { Value = rows.Select(r => r.Job.Backoff).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("tokens", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = rows.Select(r => r.Job.Tokens).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("traceparent", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = rows.Select(r => r.Job.Traceparent).ToArray() });
        cmd.Parameters.AddWithValue("step", rows.Select(r => r.Step).ToArray());
        cmd.Parameters.AddWithValue("pending", rows.Select(r => r.Pending).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("concurrency_key", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = rows.Select(r => r.Job.ConcurrencyKey).ToArray(),
        });
        cmd.Parameters.AddWithValue("now", Instants.ToDb(now));
        cmd.Parameters.AddWithValue("workflow", workflow);
        cmd.Parameters.Add(new NpgsqlParameter("spawned_by", NpgsqlDbType.Bigint) { Value = (object?)spawnedBy ?? DBNull.Value });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var jobs = await JobReader.ReadAllAsync(reader, ct);
        jobs.Sort((a, b) => a.Id.CompareTo(b.Id));
        return jobs;
    }

    private async Task<Workflow?> ReadWorkflowAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string tenant, long id, CancellationToken ct)
    {
        Workflow workflow;
        await using (var select = new NpgsqlCommand(
            $"SELECT {WorkflowColumns} FROM {Schema}.workflows WHERE tenant = @tenant AND id = @id", connection, tx))
        {
            select.Parameters.AddWithValue("tenant", tenant);
            select.Parameters.AddWithValue("id", id);
            await using var reader = await select.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            workflow = new Workflow
            {
                Id = reader.GetInt64(0),
                Tenant = reader.GetString(1),
                Name = reader.IsDBNull(2) ? null : reader.GetString(2),
                OnFailure = (WorkflowFailurePolicy)reader.GetInt16(3),
                State = (WorkflowState)reader.GetInt16(4),
                Unfinished = reader.GetInt32(5),
                Failed = reader.GetInt32(6),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(7),
                FinishedAt = reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
            };
        }

        var dependsOn = new Dictionary<long, List<string>>();
        await using (var edges = new NpgsqlCommand(
            $"""
            SELECT e.child_id, p.step FROM {Schema}.jobs c
            JOIN {Schema}.workflow_edges e ON e.child_id = c.id JOIN {Schema}.jobs p ON p.id = e.parent_id
            WHERE c.workflow_id = @id AND c.spawned_by IS NULL AND p.spawned_by IS NULL ORDER BY p.id
            """, connection, tx))
        {
            edges.Parameters.AddWithValue("id", id);
            await using var reader = await edges.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var child = reader.GetInt64(0);
                if (!dependsOn.TryGetValue(child, out var names))
                {
                    dependsOn.Add(child, names = []);
                }

                names.Add(reader.GetString(1));
            }
        }

        var steps = new List<WorkflowStep>();
        await using (var jobs = new NpgsqlCommand(
            $"SELECT {JobReader.Columns}, coalesce(spawned, 0) FROM {Schema}.jobs WHERE workflow_id = @id AND spawned_by IS NULL ORDER BY id",
            connection, tx))
        {
            jobs.Parameters.AddWithValue("id", id);
            await using var reader = await jobs.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var job = JobReader.Read(reader);
                steps.Add(new WorkflowStep(job.Step ?? "", job, dependsOn.GetValueOrDefault(job.Id) ?? [], reader.GetInt32(JobReader.Count)));
            }
        }

        return workflow with { Steps = steps };
    }

}
