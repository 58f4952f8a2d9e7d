using Escala.Jobs;
using Npgsql;

namespace Escala.Postgres;

/// <summary>The job columns in one fixed order, and the reader that turns a row into a <see cref="Job"/>.</summary>
internal static class JobReader
{
    public const string Columns =
        "id, tenant, queue, kind, args, priority, state, attempt, max_attempts, created_at, run_at, attempted_at, " +
        "finished_at, idempotency_key, resources, timeout, backoff, result, progress, errors, lease_token, leased_by, " +
        "lease_expires_at, cancel_requested, traceparent, workflow_id, step, concurrency_key";

    /// <summary>How many columns <see cref="Columns"/> names: a query's own columns after them start here.</summary>
    public const int Count = 28;

    /// <summary><see cref="Columns"/> qualified with a table alias.</summary>
    public static string Qualified(string alias) =>
        string.Join(", ", Columns.Split(", ").Select(c => alias + "." + c));

    /// <summary>Reads a job whose columns start at <paramref name="first"/>.</summary>
    public static Job Read(NpgsqlDataReader r, int first = 0) => new()
    {
        Id = r.GetInt64(first),
        Tenant = r.GetString(first + 1),
        Queue = r.GetString(first + 2),
        Kind = r.GetString(first + 3),
        Args = r.GetString(first + 4),
        Priority = r.GetInt32(first + 5),
        State = (JobState)r.GetInt16(first + 6),
        Attempt = r.GetInt32(first + 7),
        MaxAttempts = r.GetInt32(first + 8),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(first + 9),
        RunAt = r.GetFieldValue<DateTimeOffset>(first + 10),
        AttemptedAt = NullableInstant(r, first + 11),
        FinishedAt = NullableInstant(r, first + 12),
        IdempotencyKey = NullableString(r, first + 13),
        Resources = r.GetFieldValue<string[]>(first + 14),
        Timeout = r.IsDBNull(first + 15) ? null : r.GetFieldValue<TimeSpan>(first + 15),
        Backoff = r.IsDBNull(first + 16) ? null : r.GetFieldValue<TimeSpan>(first + 16),
        Result = NullableString(r, first + 17),
        Progress = NullableString(r, first + 18),
        Errors = ErrorsJson.Read(r.GetString(first + 19)),
        LeaseToken = NullableString(r, first + 20),
        LeasedBy = NullableString(r, first + 21),
        LeaseExpiresAt = NullableInstant(r, first + 22),
        CancelRequested = r.GetBoolean(first + 23),
        Traceparent = NullableString(r, first + 24),
        WorkflowId = r.IsDBNull(first + 25) ? null : r.GetInt64(first + 25),
        Step = NullableString(r, first + 26),
        ConcurrencyKey = NullableString(r, first + 27),
    };

    public static async Task<List<Job>> ReadAllAsync(NpgsqlDataReader r, CancellationToken ct)
    {
        var jobs = new List<Job>();
        while (await r.ReadAsync(ct))
        {
            jobs.Add(Read(r));
        }

        return jobs;
    }

    private static string? NullableString(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateTimeOffset? NullableInstant(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
