using Escala.Governance;
using Escala.Governance.Tokens;
using Escala.Jobs;
using Escala.Storage;
using Npgsql;

namespace Escala.Postgres;

public sealed partial class PostgresJobStore
{
    /// <summary>Most candidate windows one admission lease reads before it settles for what it has.</summary>
    private const int MaxCandidateWindows = 8;

    /// <inheritdoc />
    public Task<IReadOnlyList<Job>> LeaseAsync(LeaseRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Max <= 0)
        {
            return Task.FromResult<IReadOnlyList<Job>>([]);
        }

        return request.Admission.IsNone ? LeaseFreeAsync(request, ct) : LeaseAdmittedAsync(request, ct);
    }

    /// <summary>No limits: one statement picks, locks and marks the batch running.</summary>
    private Task<IReadOnlyList<Job>> LeaseFreeAsync(LeaseRequest request, CancellationToken ct) => Guard<IReadOnlyList<Job>>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            WITH paused AS (
                SELECT coalesce(array_agg(name), ARRAY[]::text[]) AS names FROM {Schema}.resources WHERE paused_until > @now
            ),
            picked AS (
                SELECT id FROM {Schema}.jobs
                WHERE queue = @queue AND state = 1{TenantFilter(request)}
                  AND NOT EXISTS (SELECT 1 FROM {Schema}.queues WHERE name = @queue AND paused)
                  AND (cardinality(resources) = 0 OR NOT resources && (SELECT names FROM paused)){KindsFilter(request)}
                ORDER BY priority DESC, run_at, id
                LIMIT @max
                FOR UPDATE SKIP LOCKED
            )
            {MarkRunningSql("ARRAY(SELECT id FROM picked)")}
            """);
        AddLeaseParameters(cmd.Parameters, request);
        cmd.Parameters.AddWithValue("max", request.Max);
        AddKinds(cmd.Parameters, request);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return InLeaseOrder(await JobReader.ReadAllAsync(reader, ct));
    });

    /// <summary>
    /// With limits: one transaction locks the queue's limited resources (and the queue, with a tenant cap),
    /// reads the cluster-wide usage, lets the <see cref="AdmissionPlanner"/> pick among candidates in lease
    /// order (blocked resources and tenants excluded in SQL), then marks the admitted jobs running.
    /// </summary>
    private Task<IReadOnlyList<Job>> LeaseAdmittedAsync(LeaseRequest request, CancellationToken ct) => Guard<IReadOnlyList<Job>>(async () =>
    {
        var admission = request.Admission;
        var now = Instants.ToDb(request.Now);
        var limited = admission.Resources.Keys.Order(StringComparer.Ordinal).ToArray();
        var rated = admission.Resources.Values.Where(r => r.Rate is not null).ToArray();
        var locks = limited.Select(r => "escala.res." + r).ToList();
        if (admission.TenantConcurrency is not null)
        {
            locks.Add("escala.queue." + request.Queue);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        await using var state = new NpgsqlBatch(connection, tx);
        state.BatchCommands.Add(Command($"SELECT {Schema}.lock_names(@locks)", ("locks", locks.ToArray())));
        state.BatchCommands.Add(Command(
            $"SELECT EXISTS (SELECT 1 FROM {Schema}.queues WHERE name = @queue AND paused)", ("queue", request.Queue)));
        state.BatchCommands.Add(Command(
            $"""
            SELECT r, count(*) FROM {Schema}.jobs, unnest(resources) AS r
            WHERE state = 2 AND resources && @names AND r = ANY(@names) GROUP BY r
            """,
            ("names", limited)));
        var rateNames = rated.Select(r => r.Name).ToArray();
        var rateSince = rated.Select(r => now - r.Rate!.Per).ToArray();
        // Prunes starts older than each window, then counts the starts within it (the CTE's rows are outside the window anyway).
        state.BatchCommands.Add(Command(
            $"""
            WITH w AS (SELECT * FROM unnest(@names::text[], @since::timestamptz[]) AS w(name, since)),
            pruned AS (DELETE FROM {Schema}.resource_starts s USING w WHERE s.resource = w.name AND s.at <= w.since)
            SELECT s.resource, count(*)::int FROM {Schema}.resource_starts s
            JOIN w ON s.resource = w.name AND s.at > w.since
            GROUP BY s.resource
            """,
            ("names", rateNames), ("since", rateSince)));
        state.BatchCommands.Add(Command(
            $"SELECT name, paused_until FROM {Schema}.resources WHERE paused_until > @now OR pause_reason = @breaker",
            ("now", now), ("breaker", BreakerPause.Reason)));
        state.BatchCommands.Add(Command(
            admission.TenantConcurrency is null
                ? "SELECT NULL::text, 0::bigint WHERE false"
                : $"SELECT tenant, count(*) FROM {Schema}.jobs WHERE state = 2 AND queue = @queue GROUP BY tenant",
            ("queue", request.Queue)));

        var budgeted = admission.Resources.Values.Where(r => r.Tokens is not null).ToArray();
        state.BatchCommands.Add(Command(
            $"""
            WITH w AS (SELECT * FROM unnest(@names::text[], @since::timestamptz[]) AS w(name, since)),
            pruned AS (DELETE FROM {Schema}.resource_tokens t USING w WHERE t.resource = w.name AND t.at <= w.since)
            SELECT t.resource, sum(t.tokens)::bigint FROM {Schema}.resource_tokens t
            JOIN w ON t.resource = w.name AND t.at > w.since
            GROUP BY t.resource
            """,
            ("names", budgeted.Select(r => r.Name).ToArray()),
            ("since", budgeted.Select(r => now - TokenWindow.Of(r.Tokens!)).ToArray())));

        AddGroupsProbe(state, request);
        var keyed = admission.HasPerKey;
        if (keyed)
        {
            AddKeyUsageCommands(state, admission, now);
        }

        bool queuePaused;
        var running = new Dictionary<string, long>(StringComparer.Ordinal);
        var starts = new Dictionary<string, int>(StringComparer.Ordinal);
        var paused = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var halfOpen = new HashSet<string>(StringComparer.Ordinal);
        var tenants = new Dictionary<string, long>(StringComparer.Ordinal);
        var tokens = new Dictionary<string, long>(StringComparer.Ordinal);
        KeyUsage? keyUsage;
        bool groupsWaiting;
        await using (var reader = await state.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            queuePaused = reader.GetBoolean(0);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                running[reader.GetString(0)] = reader.GetInt64(1);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                starts[reader.GetString(0)] = reader.GetInt32(1);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var until = reader.GetFieldValue<DateTimeOffset>(1);
                if (until > now)
                {
                    paused[reader.GetString(0)] = until;
                }
                else
                {
                    halfOpen.Add(reader.GetString(0));
                }
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tenants[reader.GetString(0)] = reader.GetInt64(1);
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tokens[reader.GetString(0)] = reader.GetInt64(1);
            }

            await reader.NextResultAsync(ct);
            await reader.ReadAsync(ct);
            groupsWaiting = reader.GetInt64(0) > 1;
            keyUsage = keyed ? await ReadKeyUsageAsync(reader, admission, ct) : null;
        }

        if (queuePaused)
        {
            await tx.CommitAsync(ct);
            return [];
        }

        var planner = new AdmissionPlanner(admission, running, starts, paused, tenants, now, halfOpen, tokens, keyUsage);
        // A paused resource holds its jobs back even when this queue sets no limit for it.
        var blocked = planner.BlockedResources.Concat(paused.Keys).Distinct(StringComparer.Ordinal).ToArray();
        var blockedTenants = planner.BlockedTenants.ToArray();
        var picks = new AdmissionPicks(planner, request.Max);
        await TakeFairTurnsAsync(connection, tx, request, picks, blocked, blockedTenants, groupsWaiting, ct);
        await PickAdmittedAsync(connection, tx, request, picks, blocked, blockedTenants, ct);
        var admitted = picks.Admitted;
        if (admitted.Count == 0)
        {
            await tx.CommitAsync(ct);
            return [];
        }

        await using var mark = new NpgsqlBatch(connection, tx);
        var markCommand = new NpgsqlBatchCommand(MarkRunningSql("@ids::bigint[]"));
        AddLeaseParameters(markCommand.Parameters, request);
        markCommand.Parameters.AddWithValue("ids", admitted.ToArray());
        mark.BatchCommands.Add(markCommand);
        var startRows = planner.AdmittedRateStarts.SelectMany(s => Enumerable.Repeat(s.Key, s.Value)).ToArray();
        if (startRows.Length > 0)
        {
            mark.BatchCommands.Add(Command(
                $"INSERT INTO {Schema}.resource_starts (resource, at) SELECT r, @now FROM unnest(@starts::text[]) AS r",
                ("starts", startRows), ("now", now)));
        }

        AddKeyStartsCommand(mark, planner, now);
        var reserved = picks.Reservations.SelectMany(r => r.Resources.Where(planner.HasTokenBudget).Select(name => (Name: name, r.Job, r.Tokens))).ToArray();
        if (reserved.Length > 0)
        {
            mark.BatchCommands.Add(Command(
                $"INSERT INTO {Schema}.resource_tokens (resource, job_id, at, tokens) SELECT r, j, @now, t FROM unnest(@r::text[], @j::bigint[], @t::bigint[]) AS x(r, j, t)",
                ("r", reserved.Select(x => x.Name).ToArray()), ("j", reserved.Select(x => x.Job).ToArray()),
                ("t", reserved.Select(x => x.Tokens).ToArray()), ("now", now)));
        }

        List<Job> jobs;
        await using (var reader = await mark.ExecuteReaderAsync(ct))
        {
            jobs = await JobReader.ReadAllAsync(reader, ct);
        }

        await tx.CommitAsync(ct);
        return InLeaseOrder(jobs);
    });

    /// <summary>Reads candidates in lease order, window by window, and offers them to the planner (locked until commit).</summary>
    private async Task PickAdmittedAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction tx,
        LeaseRequest request,
        AdmissionPicks picks,
        string[] blocked,
        string[] blockedTenants,
        CancellationToken ct)
    {
        var window = Math.Max(request.Max * 4, 64);
        (int Priority, DateTimeOffset RunAt, long Id)? after = null;
        for (var round = 0; round < MaxCandidateWindows && !picks.Full; round++)
        {
            await using var cmd = new NpgsqlCommand(
                $"""
                SELECT {CandidateColumns} FROM {Schema}.jobs
                WHERE queue = @queue AND state = 1{TenantFilter(request)}
                  AND (cardinality(resources) = 0 OR NOT resources && @blocked)
                  AND NOT (tenant = ANY(@tenants)){BlockedKeysFilter(picks)}
                  AND (@first OR priority < @p OR (priority = @p AND (run_at, id) > (@r, @id))){KindsFilter(request)}
                ORDER BY priority DESC, run_at, id
                LIMIT @window
                FOR UPDATE SKIP LOCKED
                """,
                connection,
                tx);
            cmd.Parameters.AddWithValue("queue", request.Queue);
            cmd.Parameters.AddWithValue("blocked", blocked);
            cmd.Parameters.AddWithValue("tenants", blockedTenants);
            if (request.Tenant is not null)
            {
                cmd.Parameters.AddWithValue("tenant", request.Tenant);
            }

            cmd.Parameters.AddWithValue("first", after is null);
            cmd.Parameters.AddWithValue("p", after?.Priority ?? 0);
            cmd.Parameters.AddWithValue("r", after?.RunAt ?? DateTimeOffset.UnixEpoch);
            cmd.Parameters.AddWithValue("id", after?.Id ?? 0L);
            cmd.Parameters.AddWithValue("window", window);
            AddKinds(cmd.Parameters, request);
            AddBlockedKeys(cmd.Parameters, picks);
            var read = 0;
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                read++;
                after = (reader.GetInt32(3), reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt64(0));
                picks.Consider(ReadCandidate(reader));
            }

            if (read < window)
            {
                break;
            }
        }
    }

    /// <summary>The UPDATE that turns picked rows into running leases; <paramref name="ids"/> is an array expression of the picked ids.</summary>
    /// <remarks>
    /// Ids as an array (<c>id = ANY(…)</c>), not a join with the picking CTE: a prepared statement's generic
    /// plan cannot see the LIMIT, guesses a tenth of the table, and would hash-join a full scan of it.
    /// </remarks>
    private string MarkRunningSql(string ids) =>
        $"""
        UPDATE {Schema}.jobs j
        SET state = 2, attempt = j.attempt + 1, attempted_at = @now, lease_token = @token,
            leased_by = @holder, lease_expires_at = @expires
        WHERE j.id = ANY({ids})
        RETURNING {JobReader.Qualified("j")}
        """;

    /// <summary>The candidates' tenant filter: none for the engine's own leases, one tenant for an external worker's key.</summary>
    private static string TenantFilter(LeaseRequest request) => request.Tenant is null ? "" : " AND tenant = @tenant";

    private static void AddLeaseParameters(NpgsqlParameterCollection parameters, LeaseRequest request)
    {
        var now = Instants.ToDb(request.Now);
        parameters.AddWithValue("queue", request.Queue);
        if (request.Tenant is not null)
        {
            parameters.AddWithValue("tenant", request.Tenant);
        }

        parameters.AddWithValue("holder", request.Holder);
        parameters.AddWithValue("now", now);
        parameters.AddWithValue("expires", Instants.ToDb(now + request.LeaseFor));

        // One fresh token per lease call, not per row (a random UUID per row cost ~5 µs of server time):
        // a lease is named by job id and token together, and only this call's holder knows the token.
        parameters.AddWithValue("token", Guid.NewGuid().ToString("N"));
    }

    /// <summary>
    /// Only the kinds asked for. A separate statement text (not <c>@kinds IS NULL OR …</c>), so each form keeps
    /// its own prepared plan; it walks the same fetch index and skips other kinds' rows.
    /// </summary>
    private static string KindsFilter(LeaseRequest request) => request.Kinds is null ? "" : "\n  AND kind = ANY(@kinds)";

    private static void AddKinds(NpgsqlParameterCollection parameters, LeaseRequest request)
    {
        if (request.Kinds is { } kinds)
        {
            parameters.AddWithValue("kinds", kinds.ToArray());
        }
    }

    private static List<Job> InLeaseOrder(List<Job> jobs)
    {
        jobs.Sort(static (a, b) =>
        {
            var c = b.Priority.CompareTo(a.Priority);
            if (c == 0)
            {
                c = a.RunAt.CompareTo(b.RunAt);
            }

            return c != 0 ? c : a.Id.CompareTo(b.Id);
        });
        return jobs;
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
