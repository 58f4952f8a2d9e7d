using Escala.Governance;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

// Per-key limits and the fair share at lease time (migration 0009). Only leases whose admission has a per-key limit read
// per-key usage; the fair turns cost two index seeks when one group (tenant, key) waits, and run only when several do.
public sealed partial class PostgresJobStore
{
    /// <summary>The fair share's round robin on this node: the group each queue's last lease admitted last.</summary>
    private readonly FairTurns _fairTurns = new();

    /// <summary>The columns every candidate SELECT returns, as <see cref="ReadCandidate"/> reads them.</summary>
    private const string CandidateColumns = "id, tenant, resources, priority, run_at, tokens, concurrency_key";

    private static AdmissionCandidate ReadCandidate(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        new FairGroup(reader.GetString(1), reader.IsDBNull(6) ? null : reader.GetString(6)),
        reader.GetFieldValue<string[]>(2),
        reader.IsDBNull(5) ? 0 : reader.GetInt64(5));

    /// <summary>
    /// A recursive CTE <c>g(tenant, k)</c> over the fair-share groups (tenant, key or '') of the queue's available governed
    /// jobs: a loose index scan of <c>jobs_available_groups</c>, one seek per group, read only as far as the query needs.
    /// </summary>
    private string GroupsCte(string? tenant) =>
        $"""
        WITH RECURSIVE g AS (
            (SELECT tenant, coalesce(concurrency_key, '') AS k FROM {Schema}.jobs
             WHERE queue = @queue AND state = 1 AND cardinality(resources) > 0{(tenant is null ? "" : " AND tenant = @tenant")}
             ORDER BY tenant, coalesce(concurrency_key, '') LIMIT 1)
            UNION ALL
            SELECT n.tenant, n.k FROM g CROSS JOIN LATERAL (
                SELECT j.tenant, coalesce(j.concurrency_key, '') AS k FROM {Schema}.jobs j
                WHERE j.queue = @queue AND j.state = 1 AND cardinality(j.resources) > 0{(tenant is null ? "" : " AND j.tenant = @tenant")}
                  AND (j.tenant, coalesce(j.concurrency_key, '')) > (g.tenant, g.k)
                ORDER BY j.tenant, coalesce(j.concurrency_key, '') LIMIT 1) AS n
        )
        """;

    /// <summary>Adds to the lease's state batch: whether more than one group waits (two seeks at most), so fair turns are needed.</summary>
    private void AddGroupsProbe(NpgsqlBatch batch, LeaseRequest request)
    {
        var probe = new NpgsqlBatchCommand($"{GroupsCte(request.Tenant)}\nSELECT count(*) FROM (SELECT 1 FROM g LIMIT 2) AS two");
        probe.Parameters.AddWithValue("queue", request.Queue);
        if (request.Tenant is not null)
        {
            probe.Parameters.AddWithValue("tenant", request.Tenant);
        }

        batch.BatchCommands.Add(probe);
    }

    /// <summary>Excludes the jobs of keys at a per-key limit that need that resource; nothing when no key is blocked.</summary>
    private static string BlockedKeysFilter(AdmissionPicks picks) => picks.Planner.BlockedKeys.Count == 0 ? "" :
        """

          AND NOT EXISTS (SELECT 1 FROM unnest(@bk_tenant::text[], @bk_key::text[], @bk_resource::text[]) AS b(t, k, r)
                          WHERE b.t = tenant AND b.k = concurrency_key AND b.r = ANY(resources))
        """;

    /// <summary>A key at a per-key limit takes no fair turn: reading its heads would walk its whole backlog past the filter.</summary>
    private static string BlockedGroupsFilter(AdmissionPicks picks) => picks.Planner.BlockedKeys.Count == 0 ? "" :
        "\n      AND (s.tenant, s.k) NOT IN (SELECT * FROM unnest(@bk_tenant::text[], @bk_key::text[]))";

    private static void AddBlockedKeys(NpgsqlParameterCollection parameters, AdmissionPicks picks)
    {
        var slots = picks.Planner.BlockedKeys;
        if (slots.Count > 0)
        {
            parameters.AddWithValue("bk_tenant", slots.Select(s => s.Tenant).ToArray());
            parameters.AddWithValue("bk_key", slots.Select(s => s.Key).ToArray());
            parameters.AddWithValue("bk_resource", slots.Select(s => s.Resource).ToArray());
        }
    }

    /// <summary>Adds to the lease's state batch: running jobs per key, and starts per key within each per-key rate window (pruning older ones).</summary>
    private void AddKeyUsageCommands(NpgsqlBatch batch, Admission admission, DateTimeOffset now)
    {
        var keyed = admission.Resources.Values.Where(r => r.PerKey is not null).ToArray();
        var rated = keyed.Where(r => r.PerKey!.Rate is not null).ToArray();
        batch.BatchCommands.Add(Command(
            $"""
            SELECT r, tenant, concurrency_key, count(*) FROM {Schema}.jobs, unnest(resources) AS r
            WHERE state = 2 AND concurrency_key IS NOT NULL AND r = ANY(@names) GROUP BY r, tenant, concurrency_key
            """,
            ("names", keyed.Select(r => r.Name).ToArray())));
        batch.BatchCommands.Add(Command(
            $"""
            WITH w AS (SELECT * FROM unnest(@names::text[], @since::timestamptz[]) AS w(name, since)),
            pruned AS (DELETE FROM {Schema}.resource_key_starts s USING w WHERE s.resource = w.name AND s.at <= w.since)
            SELECT s.resource, s.tenant, s.key, count(*)::int FROM {Schema}.resource_key_starts s
            JOIN w ON s.resource = w.name AND s.at > w.since
            GROUP BY s.resource, s.tenant, s.key
            """,
            ("names", rated.Select(r => r.Name).ToArray()),
            ("since", rated.Select(r => now - r.PerKey!.Rate!.Per).ToArray())));
    }

    /// <summary>Reads the two result sets <see cref="AddKeyUsageCommands"/> added.</summary>
    private static async Task<KeyUsage> ReadKeyUsageAsync(NpgsqlDataReader reader, Admission admission, CancellationToken ct)
    {
        var usage = new KeyUsage();
        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            usage.Running[new KeySlot(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt64(3);
        }

        await reader.NextResultAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            usage.StartsInWindow[new KeySlot(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt32(3);
        }

        return usage;
    }

    /// <summary>Adds to the marking batch the per-key starts the planner admitted; nothing when there are none.</summary>
    private void AddKeyStartsCommand(NpgsqlBatch batch, AdmissionPlanner planner, DateTimeOffset now)
    {
        var starts = planner.AdmittedKeyStarts.SelectMany(s => Enumerable.Repeat(s.Key, s.Value)).ToArray();
        if (starts.Length > 0)
        {
            batch.BatchCommands.Add(Command(
                $"INSERT INTO {Schema}.resource_key_starts (resource, tenant, key, at) SELECT r, t, k, @now FROM unnest(@r::text[], @t::text[], @k::text[]) AS x(r, t, k)",
                ("r", starts.Select(s => s.Resource).ToArray()), ("t", starts.Select(s => s.Tenant).ToArray()),
                ("k", starts.Select(s => s.Key).ToArray()), ("now", now)));
        }
    }

    /// <summary>
    /// When jobs of several groups (tenant, key) wait for governed resources, offers each group's first jobs to the
    /// planner in <see cref="FairShare"/> turns before the lease-order pass. Groups are found with a loose index scan
    /// of <c>jobs_available_groups</c> (one seek per group), so a backlog of thousands in one group costs nothing here.
    /// </summary>
    private async Task TakeFairTurnsAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction tx,
        LeaseRequest request,
        AdmissionPicks picks,
        string[] blocked,
        string[] blockedTenants,
        bool groupsWaiting,
        CancellationToken ct)
    {
        var heads = new List<AdmissionCandidate>();
        if (!groupsWaiting)
        {
            return;
        }

        await using (var cmd = new NpgsqlCommand(
            $"""
            {GroupsCte(request.Tenant)},
            chosen AS (
                SELECT s.tenant AS g_tenant, s.k AS g_key FROM (SELECT * FROM g LIMIT @groups) AS s
                WHERE NOT (s.tenant = ANY(@tenants)){BlockedGroupsFilter(picks)}
            )
            SELECT c.* FROM chosen CROSS JOIN LATERAL (
                SELECT {CandidateColumns} FROM {Schema}.jobs
                WHERE queue = @queue AND state = 1 AND cardinality(resources) > 0
                  AND tenant = chosen.g_tenant AND coalesce(concurrency_key, '') = chosen.g_key
                  AND NOT resources && @blocked{BlockedKeysFilter(picks)}{KindsFilter(request)}
                ORDER BY priority DESC, run_at, id
                LIMIT @per
                FOR UPDATE SKIP LOCKED) AS c
            """,
            connection,
            tx))
        {
            cmd.Parameters.AddWithValue("queue", request.Queue);
            if (request.Tenant is not null)
            {
                cmd.Parameters.AddWithValue("tenant", request.Tenant);
            }

            cmd.Parameters.AddWithValue("groups", FairShare.MaxGroups);
            cmd.Parameters.AddWithValue("tenants", blockedTenants);
            cmd.Parameters.AddWithValue("blocked", blocked);
            cmd.Parameters.AddWithValue("per", Math.Min(request.Max, 32));
            AddBlockedKeys(cmd.Parameters, picks);
            AddKinds(cmd.Parameters, request);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                heads.Add(ReadCandidate(reader));
            }
        }

        if (heads.Count == 0)
        {
            return;
        }

        var running = new Dictionary<FairGroup, long>();
        await using (var cmd = new NpgsqlCommand(
            $"SELECT tenant, concurrency_key, count(*) FROM {Schema}.jobs WHERE state = 2 AND cardinality(resources) > 0 GROUP BY tenant, concurrency_key",
            connection,
            tx))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                running[new FairGroup(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))] = reader.GetInt64(2);
            }
        }

        picks.RememberOffered();
        foreach (var candidate in FairShare.Order(heads, c => c.Group, running, request.Admission.TenantWeights, _fairTurns.ServedLast(request.Queue)))
        {
            picks.Consider(candidate);
        }

        _fairTurns.Served(request.Queue, picks.LastGroup);
    }
}
