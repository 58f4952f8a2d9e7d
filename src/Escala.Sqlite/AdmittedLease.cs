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

    /// <summary>Most blocked keys named in the candidates' SQL; the planner still refuses the others' jobs.</summary>
    private const int MaxBlockedKeysInSql = 200;

    public static IReadOnlyList<Job> Run(WriteContext context, LeaseRequest request, FairTurns turns)
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
            TokensInWindow(context, admission, nowMs),
            admission.HasPerKey ? KeyUsageOf(context, admission, nowMs) : null);

        var picks = new AdmissionPicks(planner, request.Max);
        var groups = FairGroups(context, request, planner);
        if (groups.Count > 1)
        {
            // Several tenants or keys wait: their first jobs take turns before the rest go in lease order.
            var heads = GroupHeads(context, request, planner, groups);
            picks.RememberOffered();
            foreach (var candidate in FairShare.Order(heads, c => c.Group, RunningByGroup(context), admission.TenantWeights, turns.ServedLast(request.Queue)))
            {
                picks.Consider(candidate);
            }

            turns.Served(request.Queue, picks.LastGroup);
        }

        var window = Math.Max(request.Max * 4, 64);
        using var candidates = CandidateQuery(context, request, planner, window);
        (long Priority, long RunAt, long Id)? after = null;
        for (var pass = 0; pass < MaxWindows && !picks.Full; pass++)
        {
            candidates.Set("$after_priority", after?.Priority).Set("$after_run_at", after?.RunAt).Set("$after_id", after?.Id);
            var seen = 0;
            using (var reader = candidates.ExecuteReader())
            {
                while (reader.Read() && !picks.Full)
                {
                    seen++;
                    after = (reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(0));
                    picks.Consider(ReadCandidate(reader));
                }
            }

            if (seen < window)
            {
                break;
            }
        }

        List<Job> leased = [];
        if (picks.Admitted.Count > 0)
        {
            leased = JobRows.ReadAll(context.Prepared(JobSql.LeaseIds)
                .Set("$ids", "[" + string.Join(',', picks.Admitted) + "]").Set("$now", nowMs)
                .Set("$holder", request.Holder).Set("$expires", Instants.ToMs(request.Now + request.LeaseFor)));
            leased.Sort(LeaseOrder.Instance);
        }

        RecordStarts(context, planner.AdmittedRateStarts, nowMs);
        RecordKeyStarts(context, planner.AdmittedKeyStarts, nowMs);
        ReserveTokens(context, planner, picks.Reservations, nowMs);
        return leased;
    }

    private static Microsoft.Data.Sqlite.SqliteCommand CandidateQuery(WriteContext context, LeaseRequest request, AdmissionPlanner planner, int window)
    {
        var sql = new StringBuilder("SELECT id, tenant, resources, priority, run_at, tokens, concurrency_key FROM jobs WHERE queue = $queue AND state = 1");
        var command = context.Adhoc("");
        AppendFilters(sql, command, request, planner);
        sql.Append(" AND ($after_id IS NULL OR priority < $after_priority OR (priority = $after_priority AND ")
            .Append("(run_at > $after_run_at OR (run_at = $after_run_at AND id > $after_id))))")
            .Append(" ORDER BY priority DESC, run_at, id LIMIT $window");
        command.CommandText = sql.ToString();
        command.Set("$queue", request.Queue).Set("$window", window);
        return command;
    }

    /// <summary>The candidates' filters: the kinds and tenant asked for, and what the planner found blocked.</summary>
    private static void AppendFilters(StringBuilder sql, Microsoft.Data.Sqlite.SqliteCommand command, LeaseRequest request, AdmissionPlanner planner)
    {
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

        // A key at its limit on a resource: its jobs needing that resource are not candidates, so they never hide others.
        n = 0;
        foreach (var slot in planner.BlockedKeys.Take(MaxBlockedKeysInSql))
        {
            sql.Append(" AND NOT (tenant = $kt").Append(n).Append(" AND concurrency_key IS $kk").Append(n)
                .Append(" AND ifnull(instr(resources, $kr").Append(n).Append("), 0) > 0)");
            command.Set("$kt" + n, slot.Tenant).Set("$kk" + n, slot.Key).Set("$kr" + n++, ResourceText.Needle(slot.Resource));
        }
    }

    /// <summary>
    /// The fair-share groups (tenant, key) with available governed jobs in the queue, up to <see cref="FairShare.MaxGroups"/>:
    /// one index seek per group (<c>jobs_available_groups</c>), whatever the size of each group's backlog.
    /// </summary>
    private static List<FairGroup> FairGroups(WriteContext context, LeaseRequest request, AdmissionPlanner planner)
    {
        var groups = new List<FairGroup>();
        var next = request.Tenant is { } only
            ? Group(context.Prepared(KeySql.FirstKey).Set("$queue", request.Queue).Set("$tenant", only))
            : Group(context.Prepared(KeySql.FirstGroup).Set("$queue", request.Queue));
        // Bounded like PostgreSQL's: at most MaxGroups groups looked at, blocked tenants' included.
        for (var looked = 0; next is { } group && looked < FairShare.MaxGroups; looked++)
        {
            var blocked = planner.BlockedTenants.Contains(group.Tenant);
            // A key at a per-key limit takes no turn: reading its heads would walk its whole backlog past the filter.
            if (!blocked && !planner.BlockedKeys.Any(slot => slot.Tenant == group.Tenant && slot.Key == group.Key))
            {
                groups.Add(new FairGroup(group.Tenant, group.Key.Length == 0 ? null : group.Key));
            }

            next = blocked ? null : Group(context.Prepared(KeySql.NextKey).Set("$queue", request.Queue).Set("$tenant", group.Tenant).Set("$key", group.Key));
            if (next is null && request.Tenant is null)
            {
                next = Group(context.Prepared(KeySql.NextTenant).Set("$queue", request.Queue).Set("$tenant", group.Tenant));
            }
        }

        return groups;
    }

    /// <summary>Runs one of the <see cref="KeySql"/> group seeks: the group found (tenant, key or ''), or null.</summary>
    public static (string Tenant, string Key)? Group(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetString(0), reader.GetString(1)) : null;
    }

    /// <summary>The first candidates of each group in lease order (as many as the lease may take), filtered like the rest.</summary>
    private static List<AdmissionCandidate> GroupHeads(WriteContext context, LeaseRequest request, AdmissionPlanner planner, List<FairGroup> groups)
    {
        var sql = new StringBuilder(KeySql.GroupHeads);
        using var command = context.Adhoc("");
        AppendFilters(sql, command, request, planner);
        command.CommandText = sql.Append(" ORDER BY priority DESC, run_at, id LIMIT $per").ToString();
        command.Set("$queue", request.Queue).Set("$per", Math.Min(request.Max, 32));
        var heads = new List<AdmissionCandidate>();
        foreach (var group in groups)
        {
            using var reader = command.Set("$group_tenant", group.Tenant).Set("$group_key", group.Key ?? "").ExecuteReader();
            while (reader.Read())
            {
                heads.Add(ReadCandidate(reader));
            }
        }

        return heads;
    }

    private static Dictionary<FairGroup, long> RunningByGroup(WriteContext context)
    {
        var running = new Dictionary<FairGroup, long>();
        using var reader = context.Prepared(KeySql.RunningByGroup).ExecuteReader();
        while (reader.Read())
        {
            running[new FairGroup(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))] = reader.GetInt64(2);
        }

        return running;
    }

    /// <summary>Running jobs and starts in each per-key rate window, per key, on resources with per-key limits.</summary>
    private static KeyUsage KeyUsageOf(WriteContext context, Admission admission, long nowMs)
    {
        var usage = new KeyUsage();
        using (var reader = context.Prepared(KeySql.RunningKeys).ExecuteReader())
        {
            while (reader.Read())
            {
                foreach (var resource in ResourceText.Parse(reader.GetString(2)))
                {
                    if (admission.Resources.TryGetValue(resource, out var limit) && limit.PerKey is not null)
                    {
                        var slot = new KeySlot(resource, reader.GetString(0), reader.GetString(1));
                        usage.Running[slot] = usage.Running.GetValueOrDefault(slot) + 1;
                    }
                }
            }
        }

        foreach (var (name, limit) in admission.Resources)
        {
            if (limit.PerKey?.Rate is not { } rate)
            {
                continue;
            }

            var since = nowMs - (long)rate.Per.TotalMilliseconds;
            context.Prepared(KeySql.TrimStarts).Set("$resource", name).Set("$since", since).ExecuteNonQuery();
            using var reader = context.Prepared(KeySql.CountStarts).Set("$resource", name).Set("$since", since).ExecuteReader();
            while (reader.Read())
            {
                usage.StartsInWindow[new KeySlot(name, reader.GetString(0), reader.GetString(1))] = (int)reader.GetInt64(2);
            }
        }

        return usage;
    }

    private static void RecordKeyStarts(WriteContext context, IReadOnlyDictionary<KeySlot, int> starts, long nowMs)
    {
        if (starts.Count == 0)
        {
            return;
        }

        var insert = context.Prepared(KeySql.RecordStart).Set("$now", nowMs);
        foreach (var (slot, count) in starts)
        {
            insert.Set("$resource", slot.Resource).Set("$tenant", slot.Tenant).Set("$key", slot.Key);
            for (var i = 0; i < count; i++)
            {
                insert.ExecuteNonQuery();
            }
        }
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

    /// <summary>Reads a candidate from the lease's SELECTs (id, tenant, resources, priority, run_at, tokens, concurrency_key).</summary>
    private static AdmissionCandidate ReadCandidate(Microsoft.Data.Sqlite.SqliteDataReader reader) => new(
        reader.GetInt64(0),
        new FairGroup(reader.GetString(1), reader.IsDBNull(6) ? null : reader.GetString(6)),
        ResourceText.Parse(reader.IsDBNull(2) ? null : reader.GetString(2)),
        reader.IsDBNull(5) ? 0 : reader.GetInt64(5));
}
