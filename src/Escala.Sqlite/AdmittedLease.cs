using System.Text;
using Escala.Governance;
using Escala.Governance.Tokens;
using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;

namespace Escala.Sqlite;

/// <summary>
/// A lease under admission control, inside the writer's transaction: reads running jobs per resource and per
/// tenant, recent starts and pauses; lets an <see cref="AdmissionPlanner"/> pick candidates in lease order with
/// blocked resources and tenants filtered out in SQL; leases the admitted ones and logs their rate starts.
/// </summary>
internal static class AdmittedLease
{
    /// <summary>Most candidate windows scanned in one lease; the next lease resumes with fresh blocked sets.</summary>
    private const int MaxWindows = 8;

    public static IReadOnlyList<Job> Run(WriteContext context, LeaseRequest request)
    {
        var admission = request.Admission;
        var nowMs = Instants.ToMs(request.Now);
        var (paused, halfOpen) = PausedResources(context, nowMs);
        var planner = new AdmissionPlanner(
            admission,
            RunningByResource(context, admission),
            StartsInWindow(context, admission, nowMs),
            paused,
            admission.TenantConcurrency is null ? new Dictionary<string, long>() : RunningByTenant(context, request.Queue),
            request.Now,
            halfOpen,
            TokensInWindow(context, admission, nowMs));

        List<Job> leased = [];
        var window = Math.Max(request.Max * 4, 64);
        using var candidates = CandidateQuery(context, request, planner, window);
        var admitted = new List<long>(request.Max);
        var reservations = new List<(long Job, long Tokens, IReadOnlyList<string> Resources)>();
        (long Priority, long RunAt, long Id)? after = null;
        for (var pass = 0; pass < MaxWindows && admitted.Count < request.Max; pass++)
        {
            candidates.Set("$after_priority", after?.Priority).Set("$after_run_at", after?.RunAt).Set("$after_id", after?.Id);
            var seen = 0;
            using (var reader = candidates.ExecuteReader())
            {
                while (reader.Read() && admitted.Count < request.Max)
                {
                    seen++;
                    after = (reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(0));
                    var resources = ResourceText.Parse(reader.IsDBNull(2) ? null : reader.GetString(2));
                    var tokens = reader.IsDBNull(5) ? 0 : reader.GetInt64(5);
                    if (planner.TryAdmit(reader.GetString(1), resources, tokens))
                    {
                        admitted.Add(reader.GetInt64(0));
                        if (tokens > 0)
                        {
                            reservations.Add((reader.GetInt64(0), tokens, resources));
                        }
                    }
                }
            }

            if (seen < window)
            {
                break;
            }
        }

        if (admitted.Count > 0)
        {
            leased = JobRows.ReadAll(context.Prepared(JobSql.LeaseIds)
                .Set("$ids", "[" + string.Join(',', admitted) + "]").Set("$now", nowMs)
                .Set("$holder", request.Holder).Set("$expires", Instants.ToMs(request.Now + request.LeaseFor)));
            leased.Sort(LeaseOrder.Instance);
        }

        RecordStarts(context, planner.AdmittedRateStarts, nowMs);
        ReserveTokens(context, planner, reservations, nowMs);
        return leased;
    }

    private static Microsoft.Data.Sqlite.SqliteCommand CandidateQuery(WriteContext context, LeaseRequest request, AdmissionPlanner planner, int window)
    {
        var sql = new StringBuilder("SELECT id, tenant, resources, priority, run_at, tokens FROM jobs WHERE queue = $queue AND state = 1");
        var command = context.Adhoc("");
        if (request.Kinds is { } kinds)
        {
            sql.Append(" AND kind IN (SELECT value FROM json_each($kinds))");
            command.Set("$kinds", StoreJson.Array(kinds));
        }

        if (request.Tenant is { } onlyTenant)
        {
            sql.Append(" AND tenant = $only_tenant");
            command.Set("$only_tenant", onlyTenant);
        }

        var n = 0;
        foreach (var resource in planner.BlockedResources)
        {
            sql.Append(" AND (resources IS NULL OR instr(resources, $r").Append(n).Append(") = 0)");
            command.Set("$r" + n++, ResourceText.Needle(resource));
        }

        if (planner.BlockedTenants.Count > 0)
        {
            sql.Append(" AND tenant NOT IN (");
            n = 0;
            foreach (var tenant in planner.BlockedTenants)
            {
                sql.Append(n == 0 ? "$t" : ", $t").Append(n);
                command.Set("$t" + n++, tenant);
            }

            sql.Append(')');
        }

        sql.Append(" AND ($after_id IS NULL OR priority < $after_priority OR (priority = $after_priority AND ")
            .Append("(run_at > $after_run_at OR (run_at = $after_run_at AND id > $after_id))))")
            .Append(" ORDER BY priority DESC, run_at, id LIMIT $window");
        command.CommandText = sql.ToString();
        command.Set("$queue", request.Queue).Set("$window", window);
        return command;
    }

    private static Dictionary<string, long> RunningByResource(WriteContext context, Admission admission)
    {
        var running = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = context.Prepared(JobSql.RunningResources).ExecuteReader();
        while (reader.Read())
        {
            foreach (var resource in ResourceText.Parse(reader.GetString(0)))
            {
                if (admission.Resources.ContainsKey(resource))
                {
                    running[resource] = running.GetValueOrDefault(resource) + 1;
                }
            }
        }

        return running;
    }

    private static Dictionary<string, int> StartsInWindow(WriteContext context, Admission admission, long nowMs)
    {
        var starts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (name, limit) in admission.Resources)
        {
            if (limit.Rate is not { } rate)
            {
                continue;
            }

            var since = nowMs - (long)rate.Per.TotalMilliseconds;
            context.Prepared(JobSql.TrimStarts).Set("$resource", name).Set("$since", since).ExecuteNonQuery();
            starts[name] = (int)(long)context.Prepared(JobSql.CountStarts).Set("$resource", name).Set("$since", since).ExecuteScalar()!;
        }

        return starts;
    }

    /// <summary>Tokens reserved per resource with a token budget within its window (older rows are deleted).</summary>
    private static Dictionary<string, long> TokensInWindow(WriteContext context, Admission admission, long nowMs)
    {
        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, limit) in admission.Resources)
        {
            if (limit.Tokens is not { } budget)
            {
                continue;
            }

            var since = nowMs - (long)TokenWindow.Of(budget).TotalMilliseconds;
            context.Prepared(TokenSql.Trim).Set("$resource", name).Set("$since", since).ExecuteNonQuery();
            used[name] = (long)context.Prepared(TokenSql.Sum).Set("$resource", name).Set("$since", since).ExecuteScalar()!;
        }

        return used;
    }

    private static void ReserveTokens(WriteContext context, AdmissionPlanner planner, List<(long Job, long Tokens, IReadOnlyList<string> Resources)> reservations, long nowMs)
    {
        foreach (var (job, tokens, resources) in reservations)
        {
            foreach (var resource in resources)
            {
                if (planner.HasTokenBudget(resource))
                {
                    context.Prepared(TokenSql.Reserve).Set("$resource", resource).Set("$job", job).Set("$now", nowMs).Set("$tokens", tokens).ExecuteNonQuery();
                }
            }
        }
    }

    /// <summary>Pauses in force, and resources whose breaker pause expired with no success since (half-open).</summary>
    private static (Dictionary<string, DateTimeOffset> Paused, HashSet<string> HalfOpen) PausedResources(WriteContext context, long nowMs)
    {
        var paused = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var halfOpen = new HashSet<string>(StringComparer.Ordinal);
        using var reader = context.Prepared(JobSql.PausedResources).Set("$now", nowMs).ExecuteReader();
        while (reader.Read())
        {
            var until = reader.GetInt64(1);
            if (until > nowMs)
            {
                paused[reader.GetString(0)] = Instants.FromMs(until);
            }
            else
            {
                halfOpen.Add(reader.GetString(0));
            }
        }

        return (paused, halfOpen);
    }

    private static Dictionary<string, long> RunningByTenant(WriteContext context, string queue)
    {
        var running = new Dictionary<string, long>(StringComparer.Ordinal);
        using var reader = context.Prepared(JobSql.RunningByTenant).Set("$queue", queue).ExecuteReader();
        while (reader.Read())
        {
            running[reader.GetString(0)] = reader.GetInt64(1);
        }

        return running;
    }

    private static void RecordStarts(WriteContext context, IReadOnlyDictionary<string, int> starts, long nowMs)
    {
        var insert = context.Prepared(JobSql.RecordStart).Set("$now", nowMs);
        foreach (var (resource, count) in starts)
        {
            insert.Set("$resource", resource);
            for (var i = 0; i < count; i++)
            {
                insert.ExecuteNonQuery();
            }
        }
    }
}
