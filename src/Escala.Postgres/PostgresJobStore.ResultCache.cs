using Escala.Jobs;
using Escala.Storage;
using NpgsqlTypes;

namespace Escala.Postgres;

// The result cache's shared level: completed jobs stored with a cache key.
public sealed partial class PostgresJobStore : IResultCacheStore
{
    /// <inheritdoc />
    public Task<CachedResult?> FindCachedResultAsync(string tenant, string cacheKey, DateTimeOffset since, CancellationToken ct) => Guard<CachedResult?>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            SELECT result, finished_at FROM {Schema}.jobs
            WHERE tenant = @tenant AND cache_key = @key AND finished_at > @since AND state = @completed
            ORDER BY finished_at DESC LIMIT 1
            """);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("key", cacheKey);
        cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, Instants.ToDb(since));
        cmd.Parameters.AddWithValue("completed", (short)JobState.Completed);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new CachedResult(reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1))
            : null;
    });
}
