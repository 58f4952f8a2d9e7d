using Escala.Storage;
using NpgsqlTypes;

namespace Escala.Postgres;

// Token budgets: settling reservations, provider-reported use.
public sealed partial class PostgresJobStore : ITokenLedger
{
    /// <inheritdoc />
    public Task<bool> RestampTokensAsync(long jobId, DateTimeOffset at, CancellationToken ct) => Guard<bool>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"UPDATE {Schema}.resource_tokens SET at = @at WHERE job_id = @job");
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, Instants.ToDb(at));
        cmd.Parameters.AddWithValue("job", jobId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    });

    /// <inheritdoc />
    public Task<bool> SettleTokensAsync(long jobId, long tokens, DateTimeOffset notBefore, CancellationToken ct) => Guard<bool>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"UPDATE {Schema}.resource_tokens SET tokens = @tokens, at = greatest(at, @notBefore) WHERE job_id = @job");
        cmd.Parameters.AddWithValue("tokens", tokens);
        cmd.Parameters.AddWithValue("notBefore", NpgsqlDbType.TimestampTz, Instants.ToDb(notBefore));
        cmd.Parameters.AddWithValue("job", jobId);
        return await cmd.ExecuteNonQueryAsync(ct) > 0;
    });

    /// <inheritdoc />
    public Task ConsumeTokensAsync(string resource, long tokens, DateTimeOffset at, CancellationToken ct) => Guard(async () =>
    {
        await using var cmd = _dataSource.CreateCommand($"INSERT INTO {Schema}.resource_tokens (resource, job_id, at, tokens) VALUES (@resource, NULL, @at, @tokens)");
        cmd.Parameters.AddWithValue("resource", resource);
        cmd.Parameters.AddWithValue("at", NpgsqlDbType.TimestampTz, Instants.ToDb(at));
        cmd.Parameters.AddWithValue("tokens", tokens);
        await cmd.ExecuteNonQueryAsync(ct);
    });

    /// <inheritdoc />
    public Task<long> TokensSinceAsync(string resource, DateTimeOffset since, CancellationToken ct) => Guard<long>(async () =>
    {
        await using var cmd = _dataSource.CreateCommand(
            $"SELECT coalesce(sum(tokens), 0)::bigint FROM {Schema}.resource_tokens WHERE resource = @resource AND at > @since");
        cmd.Parameters.AddWithValue("resource", resource);
        cmd.Parameters.AddWithValue("since", NpgsqlDbType.TimestampTz, Instants.ToDb(since));
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    });
}
