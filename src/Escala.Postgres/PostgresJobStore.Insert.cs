using Escala.Jobs;
using Escala.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Escala.Postgres;

public sealed partial class PostgresJobStore
{
    /// <summary>Separates resource names in one text per row on the way into <c>string_to_array</c>.</summary>
    private const char ResourceSeparator = '\u001f';

    /// <inheritdoc />
    public async Task<IReadOnlyList<InsertResult>> InsertAsync(IReadOnlyList<NewJob> jobs, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Count == 0)
        {
            return [];
        }

        foreach (var job in jobs)
        {
            foreach (var resource in job.Resources)
            {
                if (resource.Length == 0 || resource.Contains(ResourceSeparator, StringComparison.Ordinal))
                {
                    throw new ArgumentException($"Resource name '{resource}' is empty or holds a control character.", nameof(jobs));
                }
            }
        }

        return await _inserts.InsertAsync(jobs, now, ct);
    }

    /// <summary>
    /// Inserts rows (possibly from several calls) in one statement. The first row with a given
    /// (tenant, idempotency key) is offered to the database; later ones get its outcome with <c>Created = false</c>.
    /// </summary>
    private Task<InsertResult[]> InsertRowsAsync(IReadOnlyList<InsertRow> rows, CancellationToken ct) => InsertRowsAsync(rows, null, ct);

    /// <summary>As above, on <paramref name="open"/> (in its transaction) when given, else on a connection of its own.</summary>
    private Task<InsertResult[]> InsertRowsAsync(IReadOnlyList<InsertRow> rows, NpgsqlConnection? open, CancellationToken ct) => Guard(async () =>
    {
        var results = new InsertResult?[rows.Count];
        var firstByKey = new Dictionary<(string Tenant, string Key), int>();
        var duplicateOf = new int[rows.Count];
        var sent = new List<int>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            duplicateOf[i] = -1;
            if (rows[i].Job.IdempotencyKey is { } key)
            {
                if (firstByKey.TryGetValue((rows[i].Job.Tenant, key), out var first))
                {
                    duplicateOf[i] = first;
                    continue;
                }

                firstByKey.Add((rows[i].Job.Tenant, key), i);
            }

            sent.Add(i);
        }

        var n = sent.Count;
        var ord = new int[n];
        var tenant = new string[n];
        var queue = new string[n];
        var kind = new string[n];
        var args = new string[n];
        var priority = new int[n];
        var maxAttempts = new int[n];
        var createdAt = new DateTimeOffset[n];
        var runAt = new DateTimeOffset[n];
        var state = new short[n];
        var idem = new string?[n];
        var resources = new string[n];
        var timeout = new TimeSpan?[n];
        var backoff = new TimeSpan?[n];
        var traceparent = new string?[n];
        var tokens = new long?[n];
        var cacheKey = new string?[n];
        var cachedResult = new string?[n];
        var concurrencyKey = new string?[n];
        var available = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < n; k++)
        {
            var (job, now) = rows[sent[k]];
            ord[k] = sent[k];
            tenant[k] = job.Tenant;
            queue[k] = job.Queue;
            kind[k] = job.Kind;
            args[k] = job.Args;
            priority[k] = job.Priority;
            maxAttempts[k] = job.MaxAttempts;
            createdAt[k] = Instants.ToDb(now);
            runAt[k] = Instants.ToDb(job.RunAt);
            var initial = job.InitialState(now);
            state[k] = (short)initial;
            idem[k] = job.IdempotencyKey;
            resources[k] = string.Join(ResourceSeparator, job.Resources);
            timeout[k] = job.Timeout;
            backoff[k] = job.Backoff;
            traceparent[k] = job.Traceparent;
            tokens[k] = job.Tokens;
            cacheKey[k] = job.CacheKey;
            cachedResult[k] = job.CachedResult;
            concurrencyKey[k] = job.ConcurrencyKey;
            if (initial == JobState.Available)
            {
                available.Add(job.Queue);
            }
        }

        // Jobs answered from the result cache are inserted completed, and counted (migration 0013). The common insert
        // keeps its shorter text.
        var completed = Array.IndexOf(state, (short)JobState.Completed) >= 0;
        await using var owned = open is null ? await _dataSource.OpenConnectionAsync(ct) : null;
        var connection = open ?? owned!;
        await using var batch = new NpgsqlBatch(connection);
        // Only the new ids come back: the rest of each created job is what was sent. Rows that hit an
        // existing idempotency key come back with no id and are read afterwards.
        var insert = new NpgsqlBatchCommand(
            $"""
            WITH input AS MATERIALIZED (
                SELECT nextval('{Schema}.jobs_id_seq') AS id, t.*
                FROM unnest(@ord::int[], @tenant::text[], @queue::text[], @kind::text[], @args::text[], @priority::int[],
                            @max_attempts::int[], @created_at::timestamptz[], @run_at::timestamptz[], @state::smallint[],
                            @idem::text[], @resources::text[], @timeout::interval[], @backoff::interval[], @tokens::bigint[],
                            @cache_key::text[], @cached::text[], @traceparent::text[], @concurrency_key::text[])
                     AS t(ord, tenant, queue, kind, args, priority, max_attempts, created_at, run_at, state, idem, resources, timeout, backoff, tokens,
                          cache_key, cached, traceparent, concurrency_key)
            ),
            ins AS (
                INSERT INTO {Schema}.jobs (id, tenant, queue, kind, args, priority, state, max_attempts, created_at, run_at,
                                           idempotency_key, resources, timeout, backoff, tokens, cache_key, result, finished_at, traceparent,
                                           concurrency_key)
                SELECT id, tenant, queue, kind, args, priority, state, max_attempts, created_at, run_at, idem,
                       CASE WHEN resources = '' THEN ARRAY[]::text[] ELSE string_to_array(resources, chr(31)) END, timeout, backoff, tokens,
                       cache_key, cached, CASE WHEN cached IS NULL THEN NULL ELSE created_at END, traceparent, concurrency_key
                FROM input ORDER BY ord
                ON CONFLICT (tenant, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                RETURNING id{(completed ? ", tenant, queue, state" : "")}
            ){(completed ? ",\n" + CompletedDeltas("ins") : "")}
            SELECT i.ord, i.id FROM input i JOIN ins ON ins.id = i.id
            """)
        {
            Parameters =
            {
                new NpgsqlParameter("ord", ord),
                new NpgsqlParameter("tenant", tenant),
                new NpgsqlParameter("queue", queue),
                new NpgsqlParameter("kind", kind),
                new NpgsqlParameter("args", args),
                new NpgsqlParameter("priority", priority),
                new NpgsqlParameter("max_attempts", maxAttempts),
                new NpgsqlParameter("created_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = createdAt },
                new NpgsqlParameter("run_at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = runAt },
                new NpgsqlParameter("state", state),
                new NpgsqlParameter("idem", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = idem },
                new NpgsqlParameter("resources", resources),
                new NpgsqlParameter("timeout", NpgsqlDbType.Array | NpgsqlDbType.Interval) { Value = timeout },
                new NpgsqlParameter("backoff", NpgsqlDbType.Array | NpgsqlDbType.Interval) { Value = backoff },
                new NpgsqlParameter("traceparent", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = traceparent },
                new NpgsqlParameter("tokens", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = tokens },
                new NpgsqlParameter("cache_key", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = cacheKey },
                new NpgsqlParameter("cached", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = cachedResult },
                new NpgsqlParameter("concurrency_key", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = concurrencyKey },
            },
        };
        batch.BatchCommands.Add(insert);
        if (available.Count > 0)
        {
            batch.BatchCommands.Add(Notify([.. available]));
        }

        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var i = reader.GetInt32(0);
                results[i] = new InsertResult(Created(rows[i], reader.GetInt64(1)), Created: true);
            }
        }

        _listener.Publish(available);

        // Keys that already had a job (possibly committed by another node after this statement's snapshot).
        var taken = sent.Where(i => results[i] is null).ToList();
        if (taken.Count > 0)
        {
            var existing = await GetByKeysAsync(
                connection, taken.Select(i => rows[i].Job.Tenant).ToArray(), taken.Select(i => rows[i].Job.IdempotencyKey!).ToArray(), ct);
            foreach (var i in taken)
            {
                var job = rows[i].Job;
                results[i] = new InsertResult(
                    existing.GetValueOrDefault((job.Tenant, job.IdempotencyKey!))
                        ?? throw new InvalidOperationException($"Job with idempotency key '{job.IdempotencyKey}' was neither inserted nor found."),
                    Created: false);
            }
        }

        for (var i = 0; i < rows.Count; i++)
        {
            if (duplicateOf[i] >= 0)
            {
                results[i] = results[duplicateOf[i]]! with { Created = false };
            }
        }

        return results.Select(r => r!).ToArray();
    });

    /// <summary>The jobs that hold the given (tenant, key) pairs.</summary>
    private async Task<Dictionary<(string Tenant, string Key), Job>> GetByKeysAsync(
        NpgsqlConnection connection, string[] tenants, string[] keys, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"""
            SELECT {JobReader.Qualified("j")} FROM {Schema}.jobs j
            JOIN unnest(@tenants::text[], @keys::text[]) AS k(tenant, key) ON j.tenant = k.tenant AND j.idempotency_key = k.key
            """,
            connection);
        cmd.Parameters.AddWithValue("tenants", tenants);
        cmd.Parameters.AddWithValue("keys", keys);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var jobs = await JobReader.ReadAllAsync(reader, ct);
        return jobs.ToDictionary(j => (j.Tenant, j.IdempotencyKey!));
    }

    /// <summary>The job a row became, as the database holds it (instants and durations at its precision).</summary>
    private static Job Created(InsertRow row, long id)
    {
        var (job, now) = row;
        var state = job.InitialState(now);
        return job.Stored(id, state, Instants.ToDb(now), Instants.ToDb(job.RunAt), Micros(job.Timeout), Micros(job.Backoff));
    }

    /// <summary>A duration as an <c>interval</c> stores it: whole microseconds.</summary>
    private static TimeSpan? Micros(TimeSpan? value) =>
        value is { } v ? TimeSpan.FromTicks(v.Ticks - (v.Ticks % 10)) : null;
}
