using Escala.Jobs;
using Escala.Sqlite.Sql;
using Escala.Storage;

namespace Escala.Sqlite;

// The result cache's shared level: completed jobs stored with a cache key.
public sealed partial class SqliteJobStore : IResultCacheStore
{
    private const string FindCachedSql =
        "SELECT result, finished_at FROM jobs INDEXED BY jobs_cache_key " +
        "WHERE tenant = $tenant AND cache_key = $key AND cache_key IS NOT NULL AND finished_at > $since AND state = $completed " +
        "ORDER BY finished_at DESC LIMIT 1";

    /// <inheritdoc/>
    public Task<CachedResult?> FindCachedResultAsync(string tenant, string cacheKey, DateTimeOffset since, CancellationToken ct) =>
        ReadAsync(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = FindCachedSql;
            command.Parameters.AddWithValue("$tenant", tenant);
            command.Parameters.AddWithValue("$key", cacheKey);
            command.Parameters.AddWithValue("$since", Instants.ToMs(since));
            command.Parameters.AddWithValue("$completed", (int)JobState.Completed);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new CachedResult(reader.IsDBNull(0) ? null : reader.GetString(0), Instants.FromMs(reader.GetInt64(1)))
                : null;
        }, ct);
}
