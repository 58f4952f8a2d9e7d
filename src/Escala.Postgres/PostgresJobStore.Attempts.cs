using Escala.Jobs;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

// Attempt limits (IAttemptStore) and job statuses for watchers (IJobStatusStore).
public sealed partial class PostgresJobStore : IAttemptStore, IJobStatusStore
{
    /// <summary>The payload (after the origin) that says "jobs changed", not "jobs available in a queue": never a queue name.</summary>
    internal const string ChangedMarker = "#";

    private const string StatusColumns =
        "id, state, attempt, progress, cancel_requested, greatest(created_at, run_at, attempted_at, finished_at)";

    /// <inheritdoc />
    public Task<IReadOnlyList<Job>> GetOverdueAsync(OverdueQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Guard<IReadOnlyList<Job>>(async () =>
        {
            // Reads the running jobs' partial index only: running jobs are few (bounded by concurrency).
            await using var cmd = _dataSource.CreateCommand(
                $"""
                SELECT {JobReader.Qualified("j")} FROM {Schema}.jobs j
                LEFT JOIN unnest(@queues::text[], @timeouts::interval[], @graces::interval[]) AS q(name, timeout, grace) ON q.name = j.queue
                WHERE j.state = 2
                  AND j.attempted_at + coalesce(j.timeout, q.timeout, @timeout) + coalesce(q.grace, @grace) < @now
                ORDER BY j.attempted_at, j.id
                LIMIT @limit
                """);
            cmd.Parameters.AddWithValue("queues", query.Queues.Keys.ToArray());
            cmd.Parameters.AddWithValue("timeouts", query.Queues.Values.Select(l => l.Timeout).ToArray());
            cmd.Parameters.AddWithValue("graces", query.Queues.Values.Select(l => l.Grace).ToArray());
            cmd.Parameters.AddWithValue("timeout", query.Default.Timeout);
            cmd.Parameters.AddWithValue("grace", query.Default.Grace);
            cmd.Parameters.AddWithValue("now", Instants.ToDb(query.Now));
            cmd.Parameters.AddWithValue("limit", query.Limit);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            return await JobReader.ReadAllAsync(reader, ct);
        });
    }

    /// <inheritdoc />
    public Task<JobStatus?> GetStatusAsync(string tenant, long id, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT {StatusColumns} FROM {Schema}.jobs WHERE tenant = @tenant AND id = @id");
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("id", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? ReadStatus(reader) : null;
    });

    /// <inheritdoc />
    public Task<IReadOnlyList<JobStatus>> GetStatusesAsync(IReadOnlyList<long> ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<JobStatus>>([]);
        }

        return Guard<IReadOnlyList<JobStatus>>(async () =>
        {
            await using var cmd = _dataSource.CreateCommand($"SELECT {StatusColumns} FROM {Schema}.jobs WHERE id = ANY(@ids)");
            cmd.Parameters.AddWithValue("ids", ids.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            var statuses = new List<JobStatus>(ids.Count);
            while (await reader.ReadAsync(ct))
            {
                statuses.Add(ReadStatus(reader));
            }

            return statuses;
        });
    }

    /// <inheritdoc />
    public IDisposable SubscribeChanged(Action onChanged)
    {
        ArgumentNullException.ThrowIfNull(onChanged);
        return _listener.Subscribe(payload =>
        {
            if (payload == ChangedMarker)
            {
                onChanged();
            }
        });
    }

    private static JobStatus ReadStatus(NpgsqlDataReader r) => new(
        r.GetInt64(0), (JobState)r.GetInt16(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetBoolean(4),
        r.GetFieldValue<DateTimeOffset>(5));
}
