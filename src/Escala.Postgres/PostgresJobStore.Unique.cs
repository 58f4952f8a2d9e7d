using Escala.Jobs;
using Escala.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Escala.Postgres;

// Unique jobs and jobs with a callback: one transaction locks the keys (advisory locks, so concurrent submits of a key queue up cluster-wide),
// finds their holders, inserts the free jobs, records them as the keys' holders and adds the callbacks' outbox rows.
public sealed partial class PostgresJobStore : IUniqueJobStore
{
    /// <inheritdoc />
    public Task<UniqueInsertResult> InsertUniqueAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct) => Guard(async () =>
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var keyed = Enumerable.Range(0, jobs.Count).Where(i => jobs[i].UniqueKey is not null).ToArray();
        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var holders = new Job?[jobs.Count];
        await using (var find = new NpgsqlCommand(
            $"""
            SELECT {Schema}.lock_names(array(SELECT 'escala.unique:' || t || ':' || k FROM unnest(@tenants::text[], @keys::text[]) AS x(t, k)));
            SELECT k.ord, {JobReader.Qualified("j")}
            FROM unnest(@ords::int[], @tenants::text[], @keys::text[]) AS k(ord, tenant, key)
            JOIN {Schema}.unique_keys u ON u.tenant = k.tenant AND u.key = k.key
            JOIN {Schema}.jobs j ON j.id = u.job_id AND j.tenant = u.tenant
            WHERE j.state NOT IN (4, 5, 6) OR j.finished_at > @now - u.hold_for
            """, connection, tx))
        {
            find.Parameters.AddWithValue("ords", keyed);
            find.Parameters.AddWithValue("tenants", keyed.Select(i => jobs[i].Tenant).ToArray());
            find.Parameters.AddWithValue("keys", keyed.Select(i => jobs[i].UniqueKey!).ToArray());
            find.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, Instants.ToDb(now));
            await using var reader = await find.ExecuteReaderAsync(ct);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                holders[reader.GetInt32(0)] = JobReader.Read(reader, 1);
            }
        }

        var conflicts = UniqueJobs.Conflicts(jobs, i => holders[i]);
        if (UniqueJobs.Refuses(jobs, conflicts))
        {
            return new UniqueInsertResult(null, conflicts);
        }

        var (free, indexes) = UniqueJobs.Free(jobs, conflicts);
        var inserted = await InsertRowsAsync(free.Select(job => new InsertRow(job, now)).ToArray(), connection, ct);
        var holding = Enumerable.Range(0, free.Count).Where(k => inserted[k].Created && free[k].UniqueKey is not null).ToArray();
        if (holding.Length > 0)
        {
            await using var hold = new NpgsqlCommand(
                $"""
                INSERT INTO {Schema}.unique_keys (tenant, key, job_id, hold_for)
                SELECT * FROM unnest(@tenants::text[], @keys::text[], @jobs::bigint[], @holds::interval[])
                ON CONFLICT (tenant, key) DO UPDATE SET job_id = excluded.job_id, hold_for = excluded.hold_for
                """, connection, tx);
            hold.Parameters.AddWithValue("tenants", holding.Select(k => free[k].Tenant).ToArray());
            hold.Parameters.AddWithValue("keys", holding.Select(k => free[k].UniqueKey!).ToArray());
            hold.Parameters.AddWithValue("jobs", holding.Select(k => inserted[k].Job.Id).ToArray());
            hold.Parameters.AddWithValue("holds", holding.Select(k => free[k].UniqueFor).ToArray());
            await hold.ExecuteNonQueryAsync(ct);
        }

        var calling = Enumerable.Range(0, free.Count).Where(k => inserted[k].Created && free[k].CallbackUrl is not null).ToArray();
        if (calling.Length > 0)
        {
            await using var outbox = new NpgsqlCommand(
                $"""
                INSERT INTO {Schema}.callbacks (tenant, job_id, url, next_attempt_at, created_at)
                SELECT t, j, u, @now, @now FROM unnest(@tenants::text[], @jobs::bigint[], @urls::text[]) AS x(t, j, u)
                """, connection, tx);
            outbox.Parameters.AddWithValue("tenants", calling.Select(k => free[k].Tenant).ToArray());
            outbox.Parameters.AddWithValue("jobs", calling.Select(k => inserted[k].Job.Id).ToArray());
            outbox.Parameters.AddWithValue("urls", calling.Select(k => free[k].CallbackUrl!).ToArray());
            outbox.Parameters.AddWithValue("now", NpgsqlDbType.TimestampTz, Instants.ToDb(now));
            await outbox.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return new UniqueInsertResult(UniqueJobs.Merge(jobs.Count, indexes, inserted, conflicts), conflicts);
    });
}
