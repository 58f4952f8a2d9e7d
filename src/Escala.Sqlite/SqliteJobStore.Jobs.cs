using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;

namespace Escala.Sqlite;

// Jobs: insert, read, list, cancel, retry, counts.
public sealed partial class SqliteJobStore
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<InsertResult>> InsertAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<InsertResult>>([]);
        }

        ct.ThrowIfCancellationRequested();
        return _inserts.InsertAsync(jobs, now, ct);
    }

    /// <inheritdoc/>
    public Task<Job?> GetAsync(string tenant, long id, CancellationToken ct) => ReadAsync(connection =>
    {
        using var command = connection.CreateCommand();
        command.CommandText = JobSql.SelectById;
        return JobRows.ReadOne(command.Set("$tenant", tenant).Set("$id", id));
    }, ct);

    /// <inheritdoc/>
    public Task<JobPage> ListAsync(JobQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText =
                "SELECT " + JobRows.Columns + " FROM jobs" + StateIndex(query) + " WHERE tenant = $tenant " +
                (query.Queue is null ? "" : "AND queue = $queue ") +
                (query.State is not { } state ? "" : StatePredicate(state)) +
                (query.Kind is null ? "" : "AND kind = $kind ") +
                (query.IdempotencyKey is null ? "" : "AND idempotency_key = $key ") +
                (query.Before is null ? "" : "AND id < $before ") +
                "ORDER BY id DESC LIMIT $limit";
            command.Set("$tenant", query.Tenant).Set("$limit", Math.Max(query.Limit, 0) + 1);
            if (query.Queue is not null) command.Set("$queue", query.Queue);
            if (query.Kind is not null) command.Set("$kind", query.Kind);
            if (query.IdempotencyKey is not null) command.Set("$key", query.IdempotencyKey);
            if (query.Before is not null) command.Set("$before", query.Before.Value);
            var jobs = JobRows.ReadAll(command);
            if (jobs.Count <= query.Limit)
            {
                return new JobPage(jobs, null);
            }

            jobs.RemoveAt(jobs.Count - 1);
            return new JobPage(jobs, jobs.Count == 0 ? null : jobs[^1].Id);
        }, ct);
    }

    /// <summary>
    /// The index a state filter reads (migration 0011): the rare states their partial index, available and running
    /// jobs the lease and running indexes (sorted after: as many rows as are in that state). Completed jobs, most of
    /// the table, and the queue and kind filters walk the tenant index newest first.
    /// </summary>
    private static string StateIndex(JobQuery query) => query.IdempotencyKey is not null ? "" : query.State switch
    {
        { } state when IsRare(state) => " INDEXED BY jobs_tenant_state",
        JobState.Available => " INDEXED BY jobs_available",
        JobState.Running => " INDEXED BY jobs_running",
        _ => "",
    };

    /// <summary>
    /// The state as a literal (a bound one cannot prove a partial index's condition), with the rare-state index's
    /// own condition repeated, which SQLite needs to use it.
    /// </summary>
    private static string StatePredicate(JobState state) =>
        "AND state = " + ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (IsRare(state) ? "AND state IN (0, 3, 5, 6) " : "");

    /// <summary>The states of jobs_tenant_state's condition (migration 0011): scheduled, retryable, cancelled, dead.</summary>
    private static bool IsRare(JobState state) => state is JobState.Scheduled or JobState.Retryable or JobState.Cancelled or JobState.Dead;

    /// <inheritdoc/>
    public async Task<CancelResult> CancelAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct)
    {
        var finished = new List<long>();
        var result = await _writer.WriteAsync(context =>
        {
            finished.Clear();
            var cancelled = JobRows.ReadOne(context.Prepared(JobSql.CancelWaiting)
                .Set("$tenant", tenant).Set("$id", id).Set("$now", Instants.ToMs(now)));
            if (cancelled is not null)
            {
                if (cancelled.WorkflowId is { } workflow)
                {
                    SettleWorkflowJob(context, id, JobState.Cancelled, workflow, Instants.ToMs(now), finished);
                }

                return new CancelResult(CancelStatus.Cancelled, cancelled);
            }

            var requested = JobRows.ReadOne(context.Prepared(JobSql.RequestCancel).Set("$tenant", tenant).Set("$id", id));
            if (requested is not null)
            {
                return new CancelResult(CancelStatus.Requested, requested);
            }

            var existing = JobRows.ReadOne(context.Prepared(JobSql.SelectById).Set("$tenant", tenant).Set("$id", id));
            return existing is null
                ? new CancelResult(CancelStatus.NotFound, null)
                : new CancelResult(CancelStatus.AlreadyFinal, existing);
        }, ct);
        _workflowsFinished.Publish(finished);
        return result;
    }

    /// <inheritdoc/>
    public Task<RetryResult> RetryAsync(string tenant, long id, DateTimeOffset now, CancellationToken ct) =>
        _writer.WriteAsync(context =>
        {
            var retried = JobRows.ReadOne(context.Prepared(JobSql.Retry)
                .Set("$tenant", tenant).Set("$id", id).Set("$now", Instants.ToMs(now)));
            if (retried is not null)
            {
                context.Wake(retried.Queue);
                return new RetryResult(RetryStatus.Retried, retried);
            }

            var existing = JobRows.ReadOne(context.Prepared(JobSql.SelectById).Set("$tenant", tenant).Set("$id", id));
            return existing is null
                ? new RetryResult(RetryStatus.NotFound, null)
                : new RetryResult(RetryStatus.NotRetryable, existing);
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueCounts>> CountByQueueAsync(string? tenant, CancellationToken ct) =>
        ReadAsync<IReadOnlyList<QueueCounts>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = tenant is null ? JobSql.CountAll : JobSql.CountTenant;
            if (tenant is not null)
            {
                command.Set("$tenant", tenant);
            }

            return ReadCounts(command, JobStates.All);
        }, ct);

    /// <inheritdoc/>
    public Task<IReadOnlyList<QueueCounts>> CountActiveByQueueAsync(CancellationToken ct) =>
        ReadAsync<IReadOnlyList<QueueCounts>>(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = JobSql.CountActive;
            return ReadCounts(command, JobStates.Active);
        }, ct);

    private static List<QueueCounts> ReadCounts(Microsoft.Data.Sqlite.SqliteCommand command, IReadOnlyList<JobState> states)
    {
        var byQueue = new SortedDictionary<string, Dictionary<JobState, long>>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var queue = reader.GetString(0);
            if (!byQueue.TryGetValue(queue, out var counts))
            {
                counts = states.ToDictionary(state => state, _ => 0L);
                byQueue.Add(queue, counts);
            }

            counts[(JobState)reader.GetInt32(1)] = reader.GetInt64(2);
        }

        return byQueue.Select(pair => new QueueCounts(pair.Key, pair.Value)).ToList();
    }
}
