using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Sqlite.Writer;
using Escala.Storage;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite.Inserts;

/// <summary>
/// Writes the rows of combined inserts in order. Runs of jobs without an idempotency key go in multi-row
/// statements of <see cref="ChunkRows"/> rows (ids come back ascending, which is their order: SQLite inserts
/// a VALUES list in order); a job with a key goes alone, with <c>ON CONFLICT DO NOTHING</c>, so a duplicate
/// returns the existing job instead.
/// </summary>
internal static class InsertRows
{
    /// <summary>Rows per multi-row statement: measured fastest here (8 rows ≈ 2.2× the rate of single-row statements).</summary>
    public const int ChunkRows = 8;

    // A plain job (no timeout, backoff, token estimate, cache, concurrency key) binds only the first 11 columns:
    // Microsoft.Data.Sqlite looks each parameter up by name along the statement's list, so a chunk's cost grows with
    // the square of its parameters (19 per row made that lookup 6 % of the CPU of a no-op job).
    private const string PlainColumns = "tenant, queue, kind, args, priority, state, max_attempts, created_at, run_at, resources, traceparent";
    private const int PlainParameters = 11;
    private const string FullColumns = PlainColumns + ", idempotency_key, timeout_ms, backoff_ms, tokens, cache_key, result, finished_at, concurrency_key";
    private const int FullParameters = 19;
    private static readonly string SingleSql = Statement(FullColumns, FullParameters, 1) + " ON CONFLICT DO NOTHING RETURNING id";
    private static readonly string PlainSingleSql = Statement(PlainColumns, PlainParameters, 1) + " RETURNING id";
    private static readonly string ChunkSql = Statement(FullColumns, FullParameters, ChunkRows) + " RETURNING id";
    private static readonly string PlainChunkSql = Statement(PlainColumns, PlainParameters, ChunkRows) + " RETURNING id";

    public static void Run(WriteContext context, List<PendingInsert> batch)
    {
        var run = new List<(PendingInsert Insert, int Index)>(ChunkRows);
        foreach (var insert in batch)
        {
            insert.Skipped = insert.Cancellation.IsCancellationRequested;
            if (insert.Skipped)
            {
                continue;
            }

            for (var i = 0; i < insert.Jobs.Count; i++)
            {
                if (insert.Jobs[i].IdempotencyKey is null)
                {
                    run.Add((insert, i));
                    if (run.Count == ChunkRows)
                    {
                        InsertChunk(context, run);
                        run.Clear();
                    }
                }
                else
                {
                    Flush(context, run);
                    InsertKeyed(context, insert, i);
                }
            }
        }

        Flush(context, run);
    }

    private static void Flush(WriteContext context, List<(PendingInsert Insert, int Index)> run)
    {
        foreach (var (insert, index) in run)
        {
            var job = insert.Jobs[index];
            var id = Bind(context.Prepared(IsPlain(job) ? PlainSingleSql : SingleSql), 0, job, insert.Now).ExecuteScalar()
                ?? throw new InvalidOperationException("A job without an idempotency key was not inserted.");
            Created(context, insert, index, (long)id);
        }

        run.Clear();
    }

    private static void InsertChunk(WriteContext context, List<(PendingInsert Insert, int Index)> run)
    {
        var plain = true;
        foreach (var (insert, index) in run)
        {
            plain &= IsPlain(insert.Jobs[index]);
        }

        var command = context.Prepared(plain ? PlainChunkSql : ChunkSql);
        for (var row = 0; row < run.Count; row++)
        {
            Bind(command, row, run[row].Insert.Jobs[run[row].Index], run[row].Insert.Now);
        }

        Span<long> ids = stackalloc long[ChunkRows];
        var count = 0;
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids[count++] = reader.GetInt64(0);
            }
        }

        if (count != run.Count)
        {
            throw new InvalidOperationException($"A multi-row insert returned {count} ids for {run.Count} rows.");
        }

        ids[..count].Sort();
        for (var row = 0; row < run.Count; row++)
        {
            Created(context, run[row].Insert, run[row].Index, ids[row]);
        }
    }

    private static void InsertKeyed(WriteContext context, PendingInsert insert, int index)
    {
        var job = insert.Jobs[index];
        var id = Bind(context.Prepared(SingleSql), 0, job, insert.Now).ExecuteScalar();
        if (id is not null)
        {
            Created(context, insert, index, (long)id);
            return;
        }

        var existing = JobRows.ReadOne(context.Prepared(JobSql.SelectByKey).Set("$tenant", job.Tenant).Set("$key", job.IdempotencyKey))
            ?? throw new InvalidOperationException($"Job insert conflicted but no job has idempotency key '{job.IdempotencyKey}'.");
        insert.Results[index] = new InsertResult(existing, Created: false);
    }

    private static void Created(WriteContext context, PendingInsert insert, int index, long id)
    {
        var job = insert.Jobs[index];
        var nowMs = Instants.ToMs(insert.Now);
        var runAtMs = Instants.ToMs(job.RunAt);
        var state = State(job, runAtMs, nowMs);
        if (state == JobState.Available)
        {
            context.Wake(job.Queue);
        }

        insert.Results[index] = new InsertResult(
            job.Stored(id, state, Instants.FromMs(nowMs), Instants.FromMs(runAtMs), Millis(job.Timeout), Millis(job.Backoff)),
            Created: true);
    }

    /// <summary>A job whose columns past <see cref="PlainColumns"/> are all null.</summary>
    private static bool IsPlain(NewJob job) =>
        job is { IdempotencyKey: null, Timeout: null, Backoff: null, Tokens: null, CacheKey: null, CachedResult: null, ConcurrencyKey: null };

    /// <summary>Sets the parameters of row <paramref name="row"/> by position (the statement creates them in order).</summary>
    private static SqliteCommand Bind(SqliteCommand command, int row, NewJob job, DateTimeOffset now)
    {
        var parameters = command.Parameters;
        var full = command.CommandText == SingleSql || command.CommandText == ChunkSql;
        var perRow = full ? FullParameters : PlainParameters;
        if (parameters.Count == 0)
        {
            var rows = command.CommandText == SingleSql || command.CommandText == PlainSingleSql ? 1 : ChunkRows;
            for (var i = 0; i < rows * perRow; i++)
            {
                parameters.Add(new SqliteParameter("$p" + i, DBNull.Value));
            }
        }

        var nowMs = Instants.ToMs(now);
        var runAtMs = Instants.ToMs(job.RunAt);
        var at = row * perRow;
        parameters[at].Value = job.Tenant;
        parameters[at + 1].Value = job.Queue;
        parameters[at + 2].Value = job.Kind;
        parameters[at + 3].Value = job.Args;
        parameters[at + 4].Value = job.Priority;
        parameters[at + 5].Value = (int)State(job, runAtMs, nowMs);
        parameters[at + 6].Value = job.MaxAttempts;
        parameters[at + 7].Value = nowMs;
        parameters[at + 8].Value = runAtMs;
        parameters[at + 9].Value = (object?)ResourceText.Format(job.Resources) ?? DBNull.Value;
        parameters[at + 10].Value = (object?)job.Traceparent ?? DBNull.Value;
        if (full)
        {
            parameters[at + 11].Value = (object?)job.IdempotencyKey ?? DBNull.Value;
            parameters[at + 12].Value = job.Timeout is { } timeout ? (long)timeout.TotalMilliseconds : DBNull.Value;
            parameters[at + 13].Value = job.Backoff is { } backoff ? (long)backoff.TotalMilliseconds : DBNull.Value;
            parameters[at + 14].Value = job.Tokens is { } tokens ? tokens : DBNull.Value;
            parameters[at + 15].Value = (object?)job.CacheKey ?? DBNull.Value;
            parameters[at + 16].Value = (object?)job.CachedResult ?? DBNull.Value;
            parameters[at + 17].Value = job.CachedResult is null ? DBNull.Value : nowMs;
            parameters[at + 18].Value = (object?)job.ConcurrencyKey ?? DBNull.Value;
        }

        return command;
    }

    /// <summary><see cref="NewJob.InitialState"/> at the store's millisecond precision.</summary>
    private static JobState State(NewJob job, long runAtMs, long nowMs) =>
        job.CachedResult is not null ? JobState.Completed : runAtMs > nowMs ? JobState.Scheduled : JobState.Available;

    private static TimeSpan? Millis(TimeSpan? value) => value is { } v ? TimeSpan.FromMilliseconds((long)v.TotalMilliseconds) : null;

    private static string Statement(string columns, int perRow, int rows)
    {
        var values = Enumerable.Range(0, rows).Select(row =>
            "(" + string.Join(", ", Enumerable.Range(row * perRow, perRow).Select(p => "$p" + p)) + ")");
        return "INSERT INTO jobs (" + columns + ") VALUES " + string.Join(", ", values);
    }
}
