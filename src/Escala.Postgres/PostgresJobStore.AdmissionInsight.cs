using Escala.Storage;

namespace Escala.Postgres;

// What holds a waiting job back: reads for the API's waitingReason.
public sealed partial class PostgresJobStore : IAdmissionInsight
{
    /// <inheritdoc />
    public Task<int> StartsSinceAsync(string resource, DateTimeOffset since, CancellationToken ct) => Guard<int>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"SELECT count(*)::int FROM {Schema}.resource_starts WHERE resource = @resource AND at > @since");
        cmd.Parameters.AddWithValue("resource", resource);
        cmd.Parameters.AddWithValue("since", Instants.ToDb(since));
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    });

    /// <inheritdoc />
    public Task<KeyStanding?> KeyStandingAsync(string tenant, long jobId, string resource, DateTimeOffset since, CancellationToken ct) => Guard<KeyStanding?>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"""
            SELECT j.concurrency_key,
                   (SELECT count(*) FROM {Schema}.jobs r
                    WHERE r.state = 2 AND r.concurrency_key = j.concurrency_key AND r.tenant = j.tenant AND @resource = ANY(r.resources)),
                   (SELECT count(*)::int FROM {Schema}.resource_key_starts s
                    WHERE s.resource = @resource AND s.tenant = j.tenant AND s.key = j.concurrency_key AND s.at > @since)
            FROM {Schema}.jobs j WHERE j.tenant = @tenant AND j.id = @id AND j.concurrency_key IS NOT NULL
            """);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("id", jobId);
        cmd.Parameters.AddWithValue("resource", resource);
        cmd.Parameters.AddWithValue("since", Instants.ToDb(since));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new KeyStanding(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2)) : null;
    });

    /// <inheritdoc />
    public Task<int> WaitingGroupsAsync(string queue, int max, CancellationToken ct) => Guard<int>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"{GroupsCte(null)}\nSELECT count(*)::int FROM (SELECT 1 FROM g LIMIT @max) AS found");
        cmd.Parameters.AddWithValue("queue", queue);
        cmd.Parameters.AddWithValue("max", max);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    });
}
