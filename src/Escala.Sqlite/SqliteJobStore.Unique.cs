using Escala.Jobs;
using Escala.Sqlite.Inserts;
using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// Unique jobs and jobs with a callback: one write operation checks the keys, inserts, records the holders and the
// callbacks' outbox rows (the single writer serializes calls).
public sealed partial class SqliteJobStore : IUniqueJobStore
{
    private const string HolderOfKey = "(SELECT job_id FROM unique_keys WHERE tenant = $tenant AND key = $key)";

    private const string FindUniqueHolderSql =
        "SELECT " + JobRows.Columns + " FROM jobs WHERE id = " + HolderOfKey + " AND tenant = $tenant " +
        "AND (state NOT IN (4, 5, 6) OR finished_at > $now - (SELECT hold_for_ms FROM unique_keys WHERE tenant = $tenant AND key = $key))";

    private const string HoldUniqueKeySql =
        "INSERT INTO unique_keys (tenant, key, job_id, hold_for_ms) VALUES ($tenant, $key, $job, $hold) " +
        "ON CONFLICT (tenant, key) DO UPDATE SET job_id = excluded.job_id, hold_for_ms = excluded.hold_for_ms";

    /// <inheritdoc/>
    public Task<UniqueInsertResult> InsertUniqueAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return _writer.WriteAsync(context =>
        {
            var holders = new Job?[jobs.Count];
            for (var i = 0; i < jobs.Count; i++)
            {
                if (jobs[i].UniqueKey is { } key)
                {
                    holders[i] = JobRows.ReadOne(context.Prepared(FindUniqueHolderSql)
                        .Set("$tenant", jobs[i].Tenant).Set("$key", key).Set("$now", Instants.ToMs(now)));
                }
            }

            var conflicts = UniqueJobs.Conflicts(jobs, i => holders[i]);
            if (UniqueJobs.Refuses(jobs, conflicts))
            {
                return new UniqueInsertResult(null, conflicts);
            }

            var (free, indexes) = UniqueJobs.Free(jobs, conflicts);
            var insert = new PendingInsert(free, now, CancellationToken.None);
            InsertRows.Run(context, [insert]);
            for (var k = 0; k < free.Count; k++)
            {
                if (insert.Results[k].Created && free[k].UniqueKey is { } key)
                {
                    context.Prepared(HoldUniqueKeySql).Set("$tenant", free[k].Tenant).Set("$key", key)
                        .Set("$job", insert.Results[k].Job.Id).Set("$hold", (long)free[k].UniqueFor.TotalMilliseconds).ExecuteNonQuery();
                }

                if (insert.Results[k].Created && free[k].CallbackUrl is { } url)
                {
                    AddCallback(context, free[k].Tenant, insert.Results[k].Job.Id, url, null, now);
                }
            }

            return new UniqueInsertResult(UniqueJobs.Merge(jobs.Count, indexes, insert.Results, conflicts), conflicts);
        }, ct);
    }
}
