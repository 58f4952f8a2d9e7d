namespace Escala.Sqlite.Sql;

/// <summary>SQL of per-key limits and the fair share (migration 0009): read only by leases that need them.</summary>
internal static class KeySql
{
    private const string Governed = "FROM jobs WHERE queue = $queue AND state = 1 AND resources IS NOT NULL";

    private const string Group = "ifnull(concurrency_key, '')";

    /// <summary>The first fair-share group (tenant, key or '') of the queue's available governed jobs.</summary>
    public const string FirstGroup = "SELECT tenant, " + Group + " " + Governed + " ORDER BY tenant, " + Group + " LIMIT 1";

    /// <summary>The first group of tenant <c>$tenant</c>.</summary>
    public const string FirstKey =
        "SELECT tenant, " + Group + " " + Governed + " AND tenant = $tenant ORDER BY " + Group + " LIMIT 1";

    /// <summary>The next group of tenant <c>$tenant</c> after key <c>$key</c>.</summary>
    public const string NextKey =
        "SELECT tenant, " + Group + " " + Governed + " AND tenant = $tenant AND " + Group + " > $key ORDER BY " + Group + " LIMIT 1";

    /// <summary>The first group of the next tenant after <c>$tenant</c>.</summary>
    public const string NextTenant =
        "SELECT tenant, " + Group + " " + Governed + " AND tenant > $tenant ORDER BY tenant, " + Group + " LIMIT 1";

    /// <summary>The start of a group's candidates (the filters follow): lease order within the group, by its index.</summary>
    public const string GroupHeads =
        "SELECT id, tenant, resources, priority, run_at, tokens, concurrency_key " + Governed +
        " AND tenant = $group_tenant AND " + Group + " = $group_key";

    /// <summary>Running governed jobs per group, cluster-wide.</summary>
    public const string RunningByGroup =
        "SELECT tenant, concurrency_key, count(*) FROM jobs WHERE state = 2 AND resources IS NOT NULL GROUP BY tenant, concurrency_key";

    /// <summary>Running jobs with a key and resources: what per-key concurrency counts.</summary>
    public const string RunningKeys =
        "SELECT tenant, concurrency_key, resources FROM jobs WHERE state = 2 AND concurrency_key IS NOT NULL AND resources IS NOT NULL";

    public const string TrimStarts = "DELETE FROM resource_key_starts WHERE resource = $resource AND at <= $since";

    public const string CountStarts =
        "SELECT tenant, key, count(*) FROM resource_key_starts WHERE resource = $resource AND at > $since GROUP BY tenant, key";

    public const string RecordStart = "INSERT INTO resource_key_starts (resource, tenant, key, at) VALUES ($resource, $tenant, $key, $now)";
}
