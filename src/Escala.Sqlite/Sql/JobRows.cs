using System.Text.Json;
using Escala.Jobs;
using Microsoft.Data.Sqlite;

namespace Escala.Sqlite.Sql;

/// <summary>Turns rows of the <c>jobs</c> table, selected with <see cref="Columns"/>, into <see cref="Job"/> records.</summary>
internal static class JobRows
{
    /// <summary>The column list every job query selects or returns, in the order <see cref="Read"/> expects.</summary>
    public const string Columns =
        "id, tenant, queue, kind, args, priority, state, attempt, max_attempts, created_at, run_at, attempted_at, " +
        "finished_at, idempotency_key, resources, timeout_ms, backoff_ms, result, progress, errors, lease_token, " +
        "leased_by, lease_expires_at, cancel_requested, traceparent, workflow_id, step, concurrency_key";

    /// <summary>How many columns <see cref="Columns"/> names: a query's own columns after them start here.</summary>
    public const int Count = 28;

    /// <summary>A row selected with <see cref="JobSql.StatusColumns"/>.</summary>
    public static JobStatus ReadStatus(SqliteDataReader row) => new(
        row.GetInt64(0), (JobState)row.GetInt32(1), row.GetInt32(2), StringOrNull(row, 3), row.GetInt64(4) != 0, Instants.FromMs(row.GetInt64(5)));

    public static Job Read(SqliteDataReader row) => new()
    {
        Id = row.GetInt64(0),
        Tenant = row.GetString(1),
        Queue = row.GetString(2),
        Kind = row.GetString(3),
        Args = row.GetString(4),
        Priority = row.GetInt32(5),
        State = (JobState)row.GetInt32(6),
        Attempt = row.GetInt32(7),
        MaxAttempts = row.GetInt32(8),
        CreatedAt = Instants.FromMs(row.GetInt64(9)),
        RunAt = Instants.FromMs(row.GetInt64(10)),
        AttemptedAt = InstantOrNull(row, 11),
        FinishedAt = InstantOrNull(row, 12),
        IdempotencyKey = StringOrNull(row, 13),
        Resources = ResourceText.Parse(StringOrNull(row, 14)),
        Timeout = row.IsDBNull(15) ? null : TimeSpan.FromMilliseconds(row.GetInt64(15)),
        Backoff = row.IsDBNull(16) ? null : TimeSpan.FromMilliseconds(row.GetInt64(16)),
        Result = StringOrNull(row, 17),
        Progress = StringOrNull(row, 18),
        Errors = ParseErrors(StringOrNull(row, 19)),
        LeaseToken = StringOrNull(row, 20),
        LeasedBy = StringOrNull(row, 21),
        LeaseExpiresAt = InstantOrNull(row, 22),
        CancelRequested = row.GetInt64(23) != 0,
        Traceparent = StringOrNull(row, 24),
        WorkflowId = row.IsDBNull(25) ? null : row.GetInt64(25),
        Step = StringOrNull(row, 26),
        ConcurrencyKey = StringOrNull(row, 27),
    };

    /// <summary>Runs a query of <see cref="Columns"/> and reads every row.</summary>
    public static List<Job> ReadAll(SqliteCommand command)
    {
        var jobs = new List<Job>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            jobs.Add(Read(reader));
        }

        return jobs;
    }

    /// <summary>Runs a query of <see cref="Columns"/> and reads its first row, if any.</summary>
    public static Job? ReadOne(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    public static string SerializeError(AttemptError error) => JsonSerializer.Serialize(error, StoreJson.Default.AttemptError);

    private static List<AttemptError> ParseErrors(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize(json, StoreJson.Default.ListAttemptError) ?? [];

    private static string? StringOrNull(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);

    private static DateTimeOffset? InstantOrNull(SqliteDataReader row, int ordinal) =>
        row.IsDBNull(ordinal) ? null : Instants.FromMs(row.GetInt64(ordinal));
}
